using Platform.Quantization.Graph;
using Platform.Quantization.Operators.MathOperators;
using Platform.Quantization.Tensors;
using static Platform.Quantization.Tests.Operators.MathOperators.MathOps;

namespace Platform.Quantization.Tests.Operators.MathOperators;

public class UnaryTests
{
    [Fact]
    public void Clip_before_opset_11_reads_attributes()
    {
        var r = Run("Clip", [F([-2, 0.5f, 3], 3)], opset: 6, attributes: [NodeAttribute.Of("min", -1f), NodeAttribute.Of("max", 1f)])[0];
        Assert.Equal([-1f, 0.5f, 1], r.Floats);
        var onlyMax = Run("Clip", [F([-2, 0.5f, 3], 3)], opset: 6, attributes: NodeAttribute.Of("max", 0f))[0];
        Assert.Equal([-2f, 0, 0], onlyMax.Floats);
    }

    [Fact]
    public void Clip_from_opset_11_reads_optional_inputs_of_any_numeric_type()
    {
        var r = Run("Clip", [F([-2, 0.5f, 3], 3), null, Tensor.Scalar(1f)], opset: 11)[0];
        Assert.Equal([-2f, 0.5f, 1], r.Floats);
        var i8 = Run("Clip", [Tensor.FromArray(new sbyte[] { -100, 5, 100 }, 3), Tensor.Scalar((sbyte)-10), Tensor.Scalar((sbyte)10)], opset: 13)[0];
        Assert.Equal(new sbyte[] { -10, 5, 10 }, i8.As<sbyte>());
        var inverted = Run("Clip", [F([-2, 0.5f, 3], 3), Tensor.Scalar(2f), Tensor.Scalar(1f)], opset: 13)[0];
        Assert.Equal([1f, 1, 1], inverted.Floats);
    }

    [Fact]
    public void Cast_truncates_toward_zero_and_wraps_integers()
    {
        var to = (DataType t) => NodeAttribute.Of("to", (long)t);
        var ints = Run("Cast", [F([2.7f, -2.7f, 0.5f, -0.5f], 4)], attributes: to(DataType.Int32))[0];
        Assert.Equal(new[] { 2, -2, 0, 0 }, ints.As<int>());
        var narrow = Run("Cast", [Tensor.FromArray(new[] { 300, -129 }, 2)], attributes: to(DataType.Int8))[0];
        Assert.Equal(new sbyte[] { 44, 127 }, narrow.As<sbyte>());
        var flags = Run("Cast", [F([0, -0.0f, 2, float.NaN], 4)], attributes: to(DataType.Bool))[0];
        Assert.Equal(new[] { false, false, true, true }, flags.As<bool>());
        var half = Run("Cast", [Tensor.FromArray(new[] { 1.0 + 1.0 / 2048 }, 1)], attributes: to(DataType.Float16))[0];
        Assert.Equal((Half)1, half.As<Half>()[0]); // a tie rounds to the even neighbour
        var like = Run("CastLike", [Tensor.FromArray(new[] { true, false }, 2), Tensor.Scalar(0L)])[0];
        Assert.Equal(new long[] { 1, 0 }, like.As<long>());
    }

    [Fact]
    public void Round_takes_halves_to_even()
    {
        var r = Run1("Round", F([0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4f], 6));
        Assert.Equal([0f, 2, 2, -0f, -2, 2], r.Floats);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(1e-4, 1.1283791633342487e-4)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(-2.0, -0.9953222650189527)]
    [InlineData(2.6, 0.9997639655834707)]
    [InlineData(3.5, 0.9999992569016276)]
    [InlineData(7.0, 1.0)]
    public void Erf_is_accurate_in_double(double x, double expected)
    {
        Assert.Equal(expected, ErrorFunction.Erf(x), 1e-14);
    }

    [Fact]
    public void Activations_match_their_formulas()
    {
        var x = F([-2, -0.5f, 0, 1, 3], 5);
        Assert.Equal([0f, 0, 0, 1, 3], Run1("Relu", x).Floats);
        var sig = Run1("Sigmoid", x).Floats;
        for (int i = 0; i < 5; i++) Assert.Equal(1 / (1 + Math.Exp(-x.Floats[i])), sig[i], 1e-7);
        var lr = Run("LeakyRelu", [x], attributes: NodeAttribute.Of("alpha", 0.1f))[0].Floats;
        Assert.Equal([-0.2f, -0.05f, 0, 1, 3], lr);
        var hs = Run1("HardSigmoid", x).Floats;
        Assert.Equal([0.1f, 0.4f, 0.5f, 0.7f, 1f], hs.Select(v => MathF.Round(v, 6)).ToArray());
        var hsw = Run1("HardSwish", x).Floats;
        Assert.Equal(-0.5 * (-0.5 / 6 + 0.5), hsw[1], 1e-7);
        Assert.Equal(3f, hsw[4]);
        var gelu = Run("Gelu", [x], opset: 20)[0].Floats;
        Assert.Equal(0.5 * (1 + 0.6826894921370859), gelu[3], 1e-7); // erf(1/√2)
        var geluTanh = Run("Gelu", [x], opset: 20, attributes: NodeAttribute.Of("approximate", "tanh"))[0].Floats;
        Assert.Equal(0.5 * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (1 + 0.044715))), geluTanh[3], 1e-7);
        var sp = Run1("Softplus", F([-100, 0, 100], 3)).Floats;
        Assert.Equal([(float)Math.Exp(-100), (float)Math.Log(2), 100f], sp);
        Assert.Equal(new[] { false, true }, Run1("IsNaN", F([1, float.NaN], 2)).As<bool>());
        Assert.Equal(new[] { -1, 0, 1 }, Run1("Sign", Tensor.FromArray(new[] { -5, 0, 7 }, 3)).As<int>());
    }
}
