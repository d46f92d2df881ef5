using Platform.Quantization.Operators.MathOperators;

namespace Platform.Quantization.Tests.Operators.MathOperators;

/// <summary>
/// Every vectorized float loop against its scalar form over lengths 0..300 (all vector bodies and
/// tails). Run again with DOTNET_EnableAVX512F=0 and DOTNET_EnableHWIntrinsic=0 to cover the
/// Vector256 and scalar-only paths. The functions are exactly rounded, so results must be bit-equal.
/// </summary>
public class VectorReferenceTests
{
    private static float[] Data(int n, int seed)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 20 - 10);
        if (n > 3) { a[1] = 0; a[2] = -0.0f; a[3] = 2.5f; }
        return a;
    }

    private static void Binary<TOp>() where TOp : IBinaryOp<float, float>
    {
        for (int n = 0; n <= 300; n++)
        {
            var a = Data(n, n);
            var b = Data(n, n + 1000);
            for (int i = 0; i < n; i++) if (b[i] == 0) b[i] = 1;
            var expected = new float[n];
            var actual = new float[n];
            Elementwise.BinaryScalar<float, float, TOp>(a, b, expected);
            Elementwise.BinaryVV<float, float, TOp>(a, b, actual);
            Assert.Equal(expected, actual);
            float s = n > 0 ? b[0] : 3;
            for (int i = 0; i < n; i++) expected[i] = TOp.Invoke(a[i], s);
            Elementwise.BinaryVS<float, float, TOp>(a, s, actual);
            Assert.Equal(expected, actual);
            for (int i = 0; i < n; i++) expected[i] = TOp.Invoke(s, a[i] == 0 ? 1 : a[i]);
            var a2 = a.Select(v => v == 0 ? 1 : v).ToArray();
            Elementwise.BinarySV<float, float, TOp>(s, a2, actual);
            Assert.Equal(expected, actual);
        }
    }

    private static void Unary<TOp>() where TOp : IUnaryOp<float, float>
    {
        for (int n = 0; n <= 300; n++)
        {
            var a = Data(n, n).Select(v => typeof(TOp) == typeof(FloatUnaryOp<float, Op.Sqrt>) ? Math.Abs(v) : v).ToArray();
            var expected = new float[n];
            var actual = new float[n];
            Elementwise.UnaryScalar<float, float, TOp>(a, expected);
            Elementwise.UnarySpan<float, float, TOp>(a, actual);
            Assert.Equal(expected, actual);
        }
    }

    [Fact] public void Add() => Binary<ArithmeticOp<float, Op.Add>>();
    [Fact] public void Sub() => Binary<ArithmeticOp<float, Op.Sub>>();
    [Fact] public void Mul() => Binary<ArithmeticOp<float, Op.Mul>>();
    [Fact] public void Div() => Binary<ArithmeticOp<float, Op.Div>>();
    [Fact] public void Max() => Binary<ArithmeticOp<float, Op.Max>>();
    [Fact] public void Min() => Binary<ArithmeticOp<float, Op.Min>>();
    [Fact] public void PRelu() => Binary<PReluOp<float>>();
    [Fact] public void Relu() => Unary<SignedUnaryOp<float, Op.Relu>>();
    [Fact] public void Neg() => Unary<SignedUnaryOp<float, Op.Neg>>();
    [Fact] public void Abs() => Unary<SignedUnaryOp<float, Op.Abs>>();
    [Fact] public void Sqrt() => Unary<FloatUnaryOp<float, Op.Sqrt>>();
    [Fact] public void Floor() => Unary<FloatUnaryOp<float, Op.Floor>>();
    [Fact] public void Ceil() => Unary<FloatUnaryOp<float, Op.Ceil>>();
    [Fact] public void Round() => Unary<FloatUnaryOp<float, Op.Round>>();
    [Fact] public void Reciprocal() => Unary<FloatUnaryOp<float, Op.Reciprocal>>();

    /// <summary>Transcendental vector paths (.NET's vector Exp) against the double-computed scalar: within 4 ulp (exp, then a rounded sum and quotient).</summary>
    private static void Approximate<TOp>(float scale) where TOp : IUnaryOp<float, float>
    {
        for (int n = 0; n <= 300; n++)
        {
            var a = Data(n, n).Select(v => v * scale).ToArray();
            if (n > 10) { a[4] = 1e-6f; a[5] = -3e-5f; a[6] = 88; a[7] = -87; a[8] = float.NaN; a[9] = -100; }
            var expected = new float[n];
            var actual = new float[n];
            Elementwise.UnaryScalar<float, float, TOp>(a, expected);
            Elementwise.UnarySpan<float, float, TOp>(a, actual);
            for (int i = 0; i < n; i++)
            {
                if (float.IsNaN(expected[i])) { Assert.True(float.IsNaN(actual[i]), $"n={n} i={i}"); continue; }
                Assert.True(Math.Abs(actual[i] - expected[i]) <= 4.8e-7 * Math.Abs(expected[i]) + 1e-38,
                    $"{typeof(TOp).Name} n={n} x={a[i]}: {actual[i]} vs {expected[i]}");
            }
        }
    }

    [Fact] public void Exp() => Approximate<FloatUnaryOp<float, Op.Exp>>(8);
    [Fact] public void Sigmoid() => Approximate<FloatUnaryOp<float, Op.Sigmoid>>(3);
    [Fact] public void Tanh() => Approximate<FloatUnaryOp<float, Op.Tanh>>(1);
    [Fact] public void Erf() => Approximate<FloatUnaryOp<float, Op.Erf>>(0.4f);
    [Fact] public void Gelu() => Approximate<FloatUnaryOp<float, Op.Gelu>>(0.6f);

    [Fact]
    public void Softmax_float_row_matches_double_reference()
    {
        for (int n = 1; n <= 300; n++)
        {
            var a = Data(n, n);
            var actual = new float[n];
            SoftmaxKernel.RowFloat(a, actual);
            double max = a.Max(), sum = a.Sum(v => Math.Exp(v - max));
            for (int i = 0; i < n; i++)
                Assert.True(Math.Abs(actual[i] - Math.Exp(a[i] - max) / sum) <= 1e-6 * (Math.Exp(a[i] - max) / sum) + 1e-12, $"n={n} i={i}");
        }
    }

    [Fact]
    public void Clip()
    {
        for (int n = 0; n <= 300; n++)
        {
            var a = Data(n, n);
            if (n > 5) a[5] = float.NaN;
            var actual = new float[n];
            ClipKernel.ClipSpan(a, -3, 4, actual);
            for (int i = 0; i < n; i++)
                Assert.Equal(float.IsNaN(a[i]) ? float.NaN : Math.Min(4, Math.Max(-3, a[i])), actual[i]);
        }
    }

    [Fact]
    public void Int_add_and_relu()
    {
        for (int n = 0; n <= 300; n++)
        {
            var a = Enumerable.Range(-n / 2, n).ToArray();
            var b = Enumerable.Range(0, n).Select(i => i * 3).ToArray();
            var r = new int[n];
            Elementwise.BinaryVV<int, int, ArithmeticOp<int, Op.Add>>(a, b, r);
            for (int i = 0; i < n; i++) Assert.Equal(a[i] + b[i], r[i]);
            Elementwise.UnarySpan<int, int, SignedUnaryOp<int, Op.Relu>>(a, r);
            for (int i = 0; i < n; i++) Assert.Equal(Math.Max(a[i], 0), r[i]);
        }
    }
}
