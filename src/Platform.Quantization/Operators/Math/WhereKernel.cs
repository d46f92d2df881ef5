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
            x.Type switch
            {
                DataType.Float => Elementwise.Where<float>(c, x, y, context),
                DataType.Double => Elementwise.Where<double>(c, x, y, context),
                DataType.Float16 => Elementwise.Where<Half>(c, x, y, context),
                DataType.BFloat16 => Elementwise.Where<BFloat16>(c, x, y, context),
                DataType.Int8 => Elementwise.Where<sbyte>(c, x, y, context),
                DataType.UInt8 => Elementwise.Where<byte>(c, x, y, context),
                DataType.Int16 => Elementwise.Where<short>(c, x, y, context),
                DataType.UInt16 => Elementwise.Where<ushort>(c, x, y, context),
                DataType.Int32 => Elementwise.Where<int>(c, x, y, context),
                DataType.UInt32 => Elementwise.Where<uint>(c, x, y, context),
                DataType.Int64 => Elementwise.Where<long>(c, x, y, context),
                DataType.UInt64 => Elementwise.Where<ulong>(c, x, y, context),
                DataType.Bool => Elementwise.Where<bool>(c, x, y, context),
                DataType.String => Elementwise.Where<string>(c, x, y, context),
                _ => throw KernelInputs.Unsupported(node, x),
            },
        ];
    }
}
