using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>Equal, Less, Greater, LessOrEqual, GreaterOrEqual: broadcast, bool output (Equal also takes bool and string).</summary>
[OnnxOperator("Equal")]
[OnnxOperator("Less")]
[OnnxOperator("Greater")]
[OnnxOperator("LessOrEqual")]
[OnnxOperator("GreaterOrEqual")]
public sealed class ComparisonKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var a = KernelInputs.Required(node, inputs, 0);
        var b = KernelInputs.Required(node, inputs, 1);
        KernelInputs.SameType(node, a, b);
        return
        [
            node.OpType switch
            {
                "Equal" => a.Type switch
                {
                    DataType.Bool => Elementwise.Binary<bool, bool, EqualityOp<bool>>(a, b, context),
                    DataType.String => Elementwise.Binary<string, bool, EqualityOp<string>>(a, b, context),
                    _ => Apply<Op.Equal>(node, a, b, context),
                },
                "Less" => Apply<Op.Less>(node, a, b, context),
                "Greater" => Apply<Op.Greater>(node, a, b, context),
                "LessOrEqual" => Apply<Op.LessOrEqual>(node, a, b, context),
                "GreaterOrEqual" => Apply<Op.GreaterOrEqual>(node, a, b, context),
                _ => throw new NotSupportedException(node.OpType),
            },
        ];
    }

    private static Tensor Apply<TKind>(Node node, Tensor a, Tensor b, OperatorContext c) => a.Type switch
    {
        DataType.Float => Elementwise.Binary<float, bool, CompareOp<float, TKind>>(a, b, c),
        DataType.Double => Elementwise.Binary<double, bool, CompareOp<double, TKind>>(a, b, c),
        DataType.Float16 => Elementwise.Binary<Half, bool, CompareOp<Half, TKind>>(a, b, c),
        DataType.Int8 => Elementwise.Binary<sbyte, bool, CompareOp<sbyte, TKind>>(a, b, c),
        DataType.UInt8 => Elementwise.Binary<byte, bool, CompareOp<byte, TKind>>(a, b, c),
        DataType.Int16 => Elementwise.Binary<short, bool, CompareOp<short, TKind>>(a, b, c),
        DataType.UInt16 => Elementwise.Binary<ushort, bool, CompareOp<ushort, TKind>>(a, b, c),
        DataType.Int32 => Elementwise.Binary<int, bool, CompareOp<int, TKind>>(a, b, c),
        DataType.UInt32 => Elementwise.Binary<uint, bool, CompareOp<uint, TKind>>(a, b, c),
        DataType.Int64 => Elementwise.Binary<long, bool, CompareOp<long, TKind>>(a, b, c),
        DataType.UInt64 => Elementwise.Binary<ulong, bool, CompareOp<ulong, TKind>>(a, b, c),
        _ => throw KernelInputs.Unsupported(node, a),
    };
}
