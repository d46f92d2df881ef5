using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>Add, Sub, Mul, Div (opset 7+: numpy broadcasting; every numeric type).</summary>
[OnnxOperator("Add")]
[OnnxOperator("Sub")]
[OnnxOperator("Mul")]
[OnnxOperator("Div")]
public sealed class ArithmeticKernel : IOperatorKernel
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
                "Add" => Apply<Op.Add>(node, a, b, context),
                "Sub" => Apply<Op.Sub>(node, a, b, context),
                "Mul" => Apply<Op.Mul>(node, a, b, context),
                "Div" => Apply<Op.Div>(node, a, b, context),
                _ => throw new NotSupportedException(node.OpType),
            },
        ];
    }

    internal static Tensor Apply<TKind>(Node node, Tensor a, Tensor b, OperatorContext c) => a.Data switch
    {
        float[] => Elementwise.Binary<float, float, ArithmeticOp<float, TKind>>(a, b, c),
        double[] => Elementwise.Binary<double, double, ArithmeticOp<double, TKind>>(a, b, c),
        Half[] => Elementwise.Binary<Half, Half, ArithmeticOp<Half, TKind>>(a, b, c),
        sbyte[] => Elementwise.Binary<sbyte, sbyte, ArithmeticOp<sbyte, TKind>>(a, b, c),
        byte[] => Elementwise.Binary<byte, byte, ArithmeticOp<byte, TKind>>(a, b, c),
        short[] => Elementwise.Binary<short, short, ArithmeticOp<short, TKind>>(a, b, c),
        ushort[] => Elementwise.Binary<ushort, ushort, ArithmeticOp<ushort, TKind>>(a, b, c),
        int[] => Elementwise.Binary<int, int, ArithmeticOp<int, TKind>>(a, b, c),
        uint[] => Elementwise.Binary<uint, uint, ArithmeticOp<uint, TKind>>(a, b, c),
        long[] => Elementwise.Binary<long, long, ArithmeticOp<long, TKind>>(a, b, c),
        ulong[] => Elementwise.Binary<ulong, ulong, ArithmeticOp<ulong, TKind>>(a, b, c),
        _ => throw KernelInputs.Unsupported(node, a),
    };
}
