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
        var r = x.Type switch
        {
            DataType.Float => Elementwise.Binary<float, float, PReluOp<float>>(x, slope, context),
            DataType.Double => Elementwise.Binary<double, double, PReluOp<double>>(x, slope, context),
            DataType.Float16 => Elementwise.Binary<Half, Half, PReluOp<Half>>(x, slope, context),
            DataType.Int8 => Elementwise.Binary<sbyte, sbyte, PReluOp<sbyte>>(x, slope, context),
            DataType.Int16 => Elementwise.Binary<short, short, PReluOp<short>>(x, slope, context),
            DataType.Int32 => Elementwise.Binary<int, int, PReluOp<int>>(x, slope, context),
            DataType.Int64 => Elementwise.Binary<long, long, PReluOp<long>>(x, slope, context),
            DataType.UInt8 => x.Clone(),
            DataType.UInt16 => x.Clone(),
            DataType.UInt32 => x.Clone(),
            DataType.UInt64 => x.Clone(),
            _ => throw KernelInputs.Unsupported(node, x),
        };
        if (!r.Shape.AsSpan().SequenceEqual(x.Shape))
            throw new ShapeMismatchException($"{node.Describe()}: slope {TensorShape.Format(slope.Shape)} does not broadcast to X {TensorShape.Format(x.Shape)}.");
        return [r];
    }
}
