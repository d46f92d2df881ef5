using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>Mod (opset 10+): fmod=0 takes the divisor's sign (integers only, per the spec); fmod=1 is C's fmod.</summary>
[OnnxOperator("Mod")]
public sealed class ModKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var a = KernelInputs.Required(node, inputs, 0);
        var b = KernelInputs.Required(node, inputs, 1);
        KernelInputs.SameType(node, a, b);
        bool fmod = node.GetInt("fmod", 0) != 0;
        if (!fmod && a.Type is DataType.Float or DataType.Double or DataType.Float16)
            throw new ArgumentException($"{node.Describe()}: fmod must be 1 for floating-point inputs ({a.Type}).");
        return [fmod ? Apply<Op.Div>(node, a, b, context) : Apply<Op.Mod>(node, a, b, context)];
    }

    private static Tensor Apply<TFmod>(Node node, Tensor a, Tensor b, OperatorContext c) => a.Data switch
    {
        float[] => Elementwise.Binary<float, float, ModOp<float, TFmod>>(a, b, c),
        double[] => Elementwise.Binary<double, double, ModOp<double, TFmod>>(a, b, c),
        Half[] => Elementwise.Binary<Half, Half, ModOp<Half, TFmod>>(a, b, c),
        sbyte[] => Elementwise.Binary<sbyte, sbyte, ModOp<sbyte, TFmod>>(a, b, c),
        byte[] => Elementwise.Binary<byte, byte, ModOp<byte, TFmod>>(a, b, c),
        short[] => Elementwise.Binary<short, short, ModOp<short, TFmod>>(a, b, c),
        ushort[] => Elementwise.Binary<ushort, ushort, ModOp<ushort, TFmod>>(a, b, c),
        int[] => Elementwise.Binary<int, int, ModOp<int, TFmod>>(a, b, c),
        uint[] => Elementwise.Binary<uint, uint, ModOp<uint, TFmod>>(a, b, c),
        long[] => Elementwise.Binary<long, long, ModOp<long, TFmod>>(a, b, c),
        ulong[] => Elementwise.Binary<ulong, ulong, ModOp<ulong, TFmod>>(a, b, c),
        _ => throw KernelInputs.Unsupported(node, a),
    };
}
