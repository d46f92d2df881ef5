using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>PRelu(X, slope): slope broadcasts to X's shape (unidirectionally).</summary>
[OnnxOperator("PRelu")]
public sealed class PReluKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = KernelInputs.Required(node, inputs, 0);
        var slope = KernelInputs.Required(node, inputs, 1);
        KernelInputs.SameType(node, x, slope);
        var r = x.Data switch
        {
            float[] => Elementwise.Binary<float, float, PReluOp<float>>(x, slope, context),
            double[] => Elementwise.Binary<double, double, PReluOp<double>>(x, slope, context),
            Half[] => Elementwise.Binary<Half, Half, PReluOp<Half>>(x, slope, context),
            sbyte[] => Elementwise.Binary<sbyte, sbyte, PReluOp<sbyte>>(x, slope, context),
            short[] => Elementwise.Binary<short, short, PReluOp<short>>(x, slope, context),
            int[] => Elementwise.Binary<int, int, PReluOp<int>>(x, slope, context),
            long[] => Elementwise.Binary<long, long, PReluOp<long>>(x, slope, context),
            byte[] => x.Clone(),
            ushort[] => x.Clone(),
            uint[] => x.Clone(),
            ulong[] => x.Clone(),
            _ => throw KernelInputs.Unsupported(node, x),
        };
        if (!r.Shape.AsSpan().SequenceEqual(x.Shape))
            throw new ShapeMismatchException($"{node.Describe()}: slope {TensorShape.Format(slope.Shape)} does not broadcast to X {TensorShape.Format(x.Shape)}.");
        return [r];
    }
}
