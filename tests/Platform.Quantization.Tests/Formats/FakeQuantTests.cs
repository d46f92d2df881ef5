using Platform.Quantization.Formats;

namespace Platform.Quantization.Tests.Formats;

public class FakeQuantTests
{
    public static TheoryData<int, bool> BitsAndSymmetry() => new()
    {
        { 8, true }, { 8, false }, { 4, true }, { 4, false }, { 2, true }, { 2, false },
    };

    [Theory]
    [MemberData(nameof(BitsAndSymmetry))]
    public void Vector_paths_match_the_scalar_reference_for_every_length(int bits, bool symmetric)
    {
        var p = QuantParams.FromRange(-1.5f, 2.5f, bits, symmetric);
        for (int n = 0; n <= 300; n++)
        {
            var x = TestData.Gaussian(n, n + 1000 * bits);
            // exact half-steps and out-of-range values exercise rounding ties and clamping
            for (int i = 0; i < n; i += 5) x[i] = (i % 3 - 1 + 0.5f) * p.Scale;
            for (int i = 3; i < n; i += 11) x[i] *= 10f;
            var expected = new float[n];
            var actual = new float[n];
            FakeQuant.ApplyScalar(x, expected, p);
            FakeQuant.Apply(x, actual, p);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Scalar_reference_agrees_with_quantize_then_dequantize()
    {
        var p = QuantParams.FromRange(-0.7f, 1.9f, 8, false);
        var x = TestData.Gaussian(500, 5);
        var y = new float[x.Length];
        FakeQuant.ApplyScalar(x, y, p);
        for (int i = 0; i < x.Length; i++) Assert.Equal(p.Dequantize(p.Quantize(x[i])), y[i]);
    }

    [Fact]
    public void Ties_round_to_even_and_out_of_range_values_clamp()
    {
        var p = new QuantParams(1f, 10, 8, false); // uint8, Z = 10
        float[] x = [0.5f, 1.5f, 2.5f, -0.5f, -10.5f, -11f, 245f, 300f];
        var y = new float[x.Length];
        FakeQuant.Apply(x, y, p);
        Assert.Equal([0f, 2f, 2f, 0f, -10f, -10f, 245f, 245f], y);
    }

    [Fact]
    public void In_place_application_works()
    {
        var p = new QuantParams(0.5f, 0, 4, true); // −7..7 -> [−3.5, 3.5]
        float[] x = [0.26f, -0.74f, 9f, -9f, 1f, 0.25f, 0.75f, 1.25f, 1.3f, 0f, 2f, 3f, 3.4f, -3.6f, 0.1f, -0.1f, 0.6f];
        FakeQuant.Apply(x, p);
        Assert.Equal([0.5f, -0.5f, 3.5f, -3.5f, 1f, 0f, 1f, 1f, 1.5f, 0f, 2f, 3f, 3.5f, -3.5f, 0f, 0f, 0.5f], x);
    }

    [Fact]
    public void Range_helper_derives_scale_and_zero_point()
    {
        var s = QuantParams.FromRange(-1f, 2f, 8, symmetric: true);
        Assert.Equal(2f / 127f, s.Scale);
        Assert.Equal(0, s.ZeroPoint);
        Assert.Equal((-127, 127), (s.QMin, s.QMax));

        var a = QuantParams.FromRange(-1f, 2f, 8, symmetric: false);
        Assert.Equal(3f / 255f, a.Scale);
        Assert.Equal(85, a.ZeroPoint); // round(1 / (3/255))
        Assert.Equal((0, 255), (a.QMin, a.QMax));

        var a4 = QuantParams.FromRange(0.5f, 3f, 4, symmetric: false);
        Assert.Equal(0.2f, a4.Scale); // range widened to [0, 3]: 3/15
        Assert.Equal(0, a4.ZeroPoint);

        var s2 = QuantParams.FromRange(-3f, 1f, 2, symmetric: true);
        Assert.Equal(3f, s2.Scale);
        Assert.Equal((-1, 1), (s2.QMin, s2.QMax));
    }

    [Fact]
    public void Degenerate_ranges_give_scale_one_and_bad_ranges_are_refused()
    {
        Assert.Equal(new QuantParams(1f, 0, 8, true), QuantParams.FromRange(0, 0, 8, true));
        Assert.Equal(new QuantParams(1f, 0, 8, false), QuantParams.FromRange(0, 0, 8, false));
        Assert.Throws<ArgumentException>(() => QuantParams.FromRange(float.NaN, 1, 8, true));
        Assert.Throws<ArgumentException>(() => QuantParams.FromRange(2, 1, 8, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => QuantParams.FromRange(0, 1, 1, true));
    }

    [Fact]
    public void Dynamic_fake_quant_measures_the_range_of_its_input()
    {
        float[] x = [-1f, 0f, 0.5f, 2f];
        var y = new float[4];
        var p = FakeQuant.ApplyDynamic(x, y, 8, symmetric: false);
        Assert.Equal(QuantParams.FromRange(-1f, 2f, 8, false), p);
        Assert.Equal(-1f, y[0], 1e-6f);
        Assert.Equal(0f, y[1]);
        Assert.Equal(2f, y[3], 1e-6f);
    }
}
