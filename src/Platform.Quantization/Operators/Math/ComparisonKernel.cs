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
                "Equal" => a.Data switch
                {
                    bool[] => Elementwise.Binary<bool, bool, EqualityOp<bool>>(a, b, context),
                    string[] => Elementwise.Binary<string, bool, EqualityOp<string>>(a, b, context),
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

    private static Tensor Apply<TKind>(Node node, Tensor a, Tensor b, OperatorContext c) => a.Data switch
    {
        float[] => Elementwise.Binary<float, bool, CompareOp<float, TKind>>(a, b, c),
        double[] => Elementwise.Binary<double, bool, CompareOp<double, TKind>>(a, b, c),
        Half[] => Elementwise.Binary<Half, bool, CompareOp<Half, TKind>>(a, b, c),
        sbyte[] => Elementwise.Binary<sbyte, bool, CompareOp<sbyte, TKind>>(a, b, c),
        byte[] => Elementwise.Binary<byte, bool, CompareOp<byte, TKind>>(a, b, c),
        short[] => Elementwise.Binary<short, bool, CompareOp<short, TKind>>(a, b, c),
        ushort[] => Elementwise.Binary<ushort, bool, CompareOp<ushort, TKind>>(a, b, c),
        int[] => Elementwise.Binary<int, bool, CompareOp<int, TKind>>(a, b, c),
        uint[] => Elementwise.Binary<uint, bool, CompareOp<uint, TKind>>(a, b, c),
        long[] => Elementwise.Binary<long, bool, CompareOp<long, TKind>>(a, b, c),
        ulong[] => Elementwise.Binary<ulong, bool, CompareOp<ulong, TKind>>(a, b, c),
        _ => throw KernelInputs.Unsupported(node, a),
    };
}
