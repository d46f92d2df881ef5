using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>Where(condition, X, Y): three-way broadcast, any element type.</summary>
[OnnxOperator("Where")]
public sealed class WhereKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var c = KernelInputs.Required(node, inputs, 0);
        var x = KernelInputs.Required(node, inputs, 1);
        var y = KernelInputs.Required(node, inputs, 2);
        if (c.Type != DataType.Bool)
            throw new ArgumentException($"{node.Describe()}: the condition must be bool, not {c.Type}.");
        KernelInputs.SameType(node, x, y);
        return
        [
            x.Data switch
            {
                float[] => Elementwise.Where<float>(c, x, y, context),
                double[] => Elementwise.Where<double>(c, x, y, context),
                Half[] => Elementwise.Where<Half>(c, x, y, context),
                BFloat16[] => Elementwise.Where<BFloat16>(c, x, y, context),
                sbyte[] => Elementwise.Where<sbyte>(c, x, y, context),
                byte[] => Elementwise.Where<byte>(c, x, y, context),
                short[] => Elementwise.Where<short>(c, x, y, context),
                ushort[] => Elementwise.Where<ushort>(c, x, y, context),
                int[] => Elementwise.Where<int>(c, x, y, context),
                uint[] => Elementwise.Where<uint>(c, x, y, context),
                long[] => Elementwise.Where<long>(c, x, y, context),
                ulong[] => Elementwise.Where<ulong>(c, x, y, context),
                bool[] => Elementwise.Where<bool>(c, x, y, context),
                string[] => Elementwise.Where<string>(c, x, y, context),
                _ => throw KernelInputs.Unsupported(node, x),
            },
        ];
    }
}
