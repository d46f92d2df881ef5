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
[OnnxOperator("IsInf")]
[OnnxOperator("Tan")]
[OnnxOperator("Asin")]
[OnnxOperator("Acos")]
[OnnxOperator("Atan")]
[OnnxOperator("Sinh")]
[OnnxOperator("Cosh")]
[OnnxOperator("Asinh")]
[OnnxOperator("Acosh")]
[OnnxOperator("Atanh")]
[OnnxOperator("Softsign")]
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
                "IsInf" => IsInf(node, x),
                "Tan" => Floating<Op.Tan>(node, x, context),
                "Asin" => Floating<Op.Asin>(node, x, context),
                "Acos" => Floating<Op.Acos>(node, x, context),
                "Atan" => Floating<Op.Atan>(node, x, context),
                "Sinh" => Floating<Op.Sinh>(node, x, context),
                "Cosh" => Floating<Op.Cosh>(node, x, context),
                "Asinh" => Floating<Op.Asinh>(node, x, context),
                "Acosh" => Floating<Op.Acosh>(node, x, context),
                "Atanh" => Floating<Op.Atanh>(node, x, context),
                "Softsign" => Floating<Op.Softsign>(node, x, context),
                _ => throw new NotSupportedException(node.OpType),
            },
        ];
    }

    internal static Tensor Signed<TKind>(Node node, Tensor x, OperatorContext c) => x.Type switch
    {
        DataType.Float => Elementwise.Unary<float, float, SignedUnaryOp<float, TKind>>(x, c),
        DataType.Double => Elementwise.Unary<double, double, SignedUnaryOp<double, TKind>>(x, c),
        DataType.Float16 => Elementwise.Unary<Half, Half, SignedUnaryOp<Half, TKind>>(x, c),
        DataType.Int8 => Elementwise.Unary<sbyte, sbyte, SignedUnaryOp<sbyte, TKind>>(x, c),
        DataType.UInt8 => Elementwise.Unary<byte, byte, SignedUnaryOp<byte, TKind>>(x, c),
        DataType.Int16 => Elementwise.Unary<short, short, SignedUnaryOp<short, TKind>>(x, c),
        DataType.UInt16 => Elementwise.Unary<ushort, ushort, SignedUnaryOp<ushort, TKind>>(x, c),
        DataType.Int32 => Elementwise.Unary<int, int, SignedUnaryOp<int, TKind>>(x, c),
        DataType.UInt32 => Elementwise.Unary<uint, uint, SignedUnaryOp<uint, TKind>>(x, c),
        DataType.Int64 => Elementwise.Unary<long, long, SignedUnaryOp<long, TKind>>(x, c),
        DataType.UInt64 => Elementwise.Unary<ulong, ulong, SignedUnaryOp<ulong, TKind>>(x, c),
        _ => throw KernelInputs.Unsupported(node, x),
    };

    internal static Tensor Floating<TKind>(Node node, Tensor x, OperatorContext c) => x.Type switch
    {
        DataType.Float => Elementwise.Unary<float, float, FloatUnaryOp<float, TKind>>(x, c),
        DataType.Double => Elementwise.Unary<double, double, FloatUnaryOp<double, TKind>>(x, c),
        DataType.Float16 => Elementwise.Unary<Half, Half, FloatUnaryOp<Half, TKind>>(x, c),
        DataType.BFloat16 => CastKernel.Convert(Floating<TKind>(node, CastKernel.Convert(x, DataType.Float), c), DataType.BFloat16),
        _ => throw KernelInputs.Unsupported(node, x),
    };

    /// <summary>IsInf (opset 10): detect_negative and detect_positive (both default 1) pick which infinities count.</summary>
    private static Tensor IsInf(Node node, Tensor x)
    {
        bool negative = node.GetInt("detect_negative", 1) != 0, positive = node.GetInt("detect_positive", 1) != 0;
        var r = new bool[x.Length];
        for (int i = 0; i < r.Length; i++)
        {
            double v = x.Type is DataType.Float or DataType.Double or DataType.Float16 or DataType.BFloat16 ? x.GetDouble(i) : throw KernelInputs.Unsupported(node, x);
            r[i] = (positive && double.IsPositiveInfinity(v)) || (negative && double.IsNegativeInfinity(v));
        }
        return new Tensor(DataType.Bool, (int[])x.Shape.Clone(), r);
    }

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
