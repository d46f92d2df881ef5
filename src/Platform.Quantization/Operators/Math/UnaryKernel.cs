using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>The attribute-free elementwise unary operators (and Gelu, whose one attribute picks the formula).</summary>
[OnnxOperator("Relu")]
[OnnxOperator("Neg")]
[OnnxOperator("Abs")]
[OnnxOperator("Sign")]
[OnnxOperator("Sqrt")]
[OnnxOperator("Exp")]
[OnnxOperator("Log")]
[OnnxOperator("Sigmoid")]
[OnnxOperator("Tanh")]
[OnnxOperator("Erf")]
[OnnxOperator("Reciprocal")]
[OnnxOperator("Floor")]
[OnnxOperator("Ceil")]
[OnnxOperator("Round")]
[OnnxOperator("Softplus")]
[OnnxOperator("Sin")]
[OnnxOperator("Cos")]
[OnnxOperator("HardSwish")]
[OnnxOperator("Gelu")]
[OnnxOperator("IsNaN")]
public sealed class UnaryKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = KernelInputs.Required(node, inputs, 0);
        return
        [
            node.OpType switch
            {
                "Relu" => Signed<Op.Relu>(node, x, context),
                "Neg" => Signed<Op.Neg>(node, x, context),
                "Abs" => Signed<Op.Abs>(node, x, context),
                "Sign" => Signed<Op.Sign>(node, x, context),
                "Sqrt" => Floating<Op.Sqrt>(node, x, context),
                "Exp" => Floating<Op.Exp>(node, x, context),
                "Log" => Floating<Op.Log>(node, x, context),
                "Sigmoid" => Floating<Op.Sigmoid>(node, x, context),
                "Tanh" => Floating<Op.Tanh>(node, x, context),
                "Erf" => Floating<Op.Erf>(node, x, context),
                "Reciprocal" => Floating<Op.Reciprocal>(node, x, context),
                "Floor" => Floating<Op.Floor>(node, x, context),
                "Ceil" => Floating<Op.Ceil>(node, x, context),
                "Round" => Floating<Op.Round>(node, x, context),
                "Softplus" => Floating<Op.Softplus>(node, x, context),
                "Sin" => Floating<Op.Sin>(node, x, context),
                "Cos" => Floating<Op.Cos>(node, x, context),
                "HardSwish" => Floating<Op.HardSwish>(node, x, context),
                "Gelu" => node.GetString("approximate", "none") switch
                {
                    "none" => Floating<Op.Gelu>(node, x, context),
                    "tanh" => Floating<Op.GeluTanh>(node, x, context),
                    var s => throw new ArgumentException($"{node.Describe()}: approximate must be \"none\" or \"tanh\", not \"{s}\"."),
                },
                "IsNaN" => IsNaN(node, x),
                _ => throw new NotSupportedException(node.OpType),
            },
        ];
    }

    internal static Tensor Signed<TKind>(Node node, Tensor x, OperatorContext c) => x.Data switch
    {
        float[] => Elementwise.Unary<float, float, SignedUnaryOp<float, TKind>>(x, c),
        double[] => Elementwise.Unary<double, double, SignedUnaryOp<double, TKind>>(x, c),
        Half[] => Elementwise.Unary<Half, Half, SignedUnaryOp<Half, TKind>>(x, c),
        sbyte[] => Elementwise.Unary<sbyte, sbyte, SignedUnaryOp<sbyte, TKind>>(x, c),
        byte[] => Elementwise.Unary<byte, byte, SignedUnaryOp<byte, TKind>>(x, c),
        short[] => Elementwise.Unary<short, short, SignedUnaryOp<short, TKind>>(x, c),
        ushort[] => Elementwise.Unary<ushort, ushort, SignedUnaryOp<ushort, TKind>>(x, c),
        int[] => Elementwise.Unary<int, int, SignedUnaryOp<int, TKind>>(x, c),
        uint[] => Elementwise.Unary<uint, uint, SignedUnaryOp<uint, TKind>>(x, c),
        long[] => Elementwise.Unary<long, long, SignedUnaryOp<long, TKind>>(x, c),
        ulong[] => Elementwise.Unary<ulong, ulong, SignedUnaryOp<ulong, TKind>>(x, c),
        _ => throw KernelInputs.Unsupported(node, x),
    };

    internal static Tensor Floating<TKind>(Node node, Tensor x, OperatorContext c) => x.Data switch
    {
        float[] => Elementwise.Unary<float, float, FloatUnaryOp<float, TKind>>(x, c),
        double[] => Elementwise.Unary<double, double, FloatUnaryOp<double, TKind>>(x, c),
        Half[] => Elementwise.Unary<Half, Half, FloatUnaryOp<Half, TKind>>(x, c),
        BFloat16[] => CastKernel.Convert(Floating<TKind>(node, CastKernel.Convert(x, DataType.Float), c), DataType.BFloat16),
        _ => throw KernelInputs.Unsupported(node, x),
    };

    private static Tensor IsNaN(Node node, Tensor x)
    {
        var r = new bool[x.Length];
        switch (x.Data)
        {
            case float[] a: for (int i = 0; i < r.Length; i++) r[i] = float.IsNaN(a[i]); break;
            case double[] a: for (int i = 0; i < r.Length; i++) r[i] = double.IsNaN(a[i]); break;
            case Half[] a: for (int i = 0; i < r.Length; i++) r[i] = Half.IsNaN(a[i]); break;
            case BFloat16[] a: for (int i = 0; i < r.Length; i++) r[i] = float.IsNaN(a[i].ToSingle()); break;
            default: throw KernelInputs.Unsupported(node, x);
        }
        return new Tensor(DataType.Bool, (int[])x.Shape.Clone(), r);
    }
}
