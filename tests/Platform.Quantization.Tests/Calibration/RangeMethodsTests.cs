using Platform.Quantization.Calibration;

namespace Platform.Quantization.Tests.Calibration;

public class RangeMethodsTests
{
    internal static float[] Gaussian(int seed, int n, double sigma = 1)
    {
        var r = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble()));
        return x;
    }

    [Fact]
    public void Percentile_interpolates_inside_the_bin_by_hand()
    {
        // Unit bins [0,1) [1,2) [2,3) [3,4), one value each. 75%: 3 of 4 values lie below the end of bin 2 → 3.0;
        // 25%: 1 of 4 below the end of bin 0 → 1.0.
        var o = new TensorObserver(bins: 4);
        o.Observe([0.5f, 1.5f, 2.5f, 3.5f]);
        Assert.Equal(0, o.Exponent);
        Assert.Equal(new ClipRange(1f, 3f), RangeMethods.Percentile(o, symmetric: false, 75));
        // 62.5%: 2.5 values → halfway through bin 2 → 2.5; 37.5% → halfway through bin 1 → 1.5.
        Assert.Equal(new ClipRange(1.5f, 2.5f), RangeMethods.Percentile(o, symmetric: false, 62.5));
        // Never beyond the data: 100% is the max itself, not the bin's end (4).
        Assert.Equal(new ClipRange(0.5f, 3.5f), RangeMethods.Percentile(o, symmetric: false, 100));
    }

    [Fact]
    public void Clipped_fraction_counts_bin_shares_outside_the_range()
    {
        // Unit bins holding 0.5, 1.5, 2.5, 3.5. [1, 3] clips bins 0 and 3 whole: 2 of 4. [1.5, 3] also clips half of bin 1.
        var o = new TensorObserver(bins: 4);
        o.Observe([0.5f, 1.5f, 2.5f, 3.5f]);
        Assert.Equal(0.5, RangeMethods.ClippedFraction(o, new(1f, 3f)), 12);
        Assert.Equal(2.5 / 4, RangeMethods.ClippedFraction(o, new(1.5f, 3f)), 12);
        Assert.Equal(0, RangeMethods.ClippedFraction(o, RangeMethods.MinMax(o, symmetric: false)), 12);
    }

    [Fact]
    public void Symmetric_percentile_folds_negative_values_onto_their_magnitude()
    {
        // |x| = 3.5, 0.5, 1.5, 2.5 in unit bins: 75% of |x| lies below 3.0.
        var o = new TensorObserver(bins: 8);
        o.Observe([-3.5f, -0.5f, 1.5f, 2.5f]);
        Assert.Equal(new ClipRange(-3f, 3f), RangeMethods.Percentile(o, symmetric: true, 75));
    }

    [Fact]
    public void Default_percentile_cuts_the_last_hundredth_of_a_percent()
    {
        // 0..1 evenly, so the 99.99th percentile is 0.9999 (within a bin, 2^-11 here).
        var x = Enumerable.Range(0, 1_000_000).Select(i => (i + 0.5f) / 1_000_000).ToArray();
        var o = new TensorObserver();
        o.Observe(x);
        var r = RangeMethods.Percentile(o, symmetric: true);
        Assert.InRange(r.Max, 0.9999f - o.BinWidth, 0.9999f + o.BinWidth);
        var a = RangeMethods.Percentile(o, symmetric: false);
        Assert.InRange(a.Min, 0.0001f - o.BinWidth, 0.0001f + o.BinWidth);
    }

    [Fact]
    public void Entropy_cuts_far_outliers_of_a_gaussian()
    {
        var o = new TensorObserver();
        o.Observe(Gaussian(11, 500_000));
        o.Observe(Enumerable.Repeat(40f, 30).Concat(Enumerable.Repeat(-35f, 20)).ToArray());
        var r = RangeMethods.Entropy(o, bits: 8, symmetric: true);
        Assert.Equal(-r.Min, r.Max);
        Assert.InRange(r.Max, 2.5f, 10f);       // keeps the bulk (σ = 1), drops the outliers at 35..40
        Assert.Equal(40f, RangeMethods.MinMax(o, symmetric: true).Max);

        var a = RangeMethods.Entropy(o, bits: 8, symmetric: false);
        Assert.InRange(a.Max, 2.5f, 10f);
        Assert.InRange(a.Min, -10f, -2.5f);
    }

    [Fact]
    public void Asymmetric_entropy_of_relu_output_keeps_its_minimum()
    {
        var o = new TensorObserver();
        o.Observe(Gaussian(12, 300_000).Select(v => Math.Max(v, 0f)).Append(60f).Append(55f).ToArray());
        var r = RangeMethods.Entropy(o, bits: 8, symmetric: false);
        Assert.Equal(0f, r.Min);
        Assert.InRange(r.Max, 2.5f, 12f);
    }

    [Fact]
    public void Mse_balances_rounding_noise_against_clipping_by_hand()
    {
        // 10^6 values spread evenly over [-1, 1] plus one at 100. Unit bins are 1/16 wide, so the outlier sits in the
        // bin centred at 100.03125. Clipping at t costs (100.03125 − t)²; rounding costs 10^6·(t/127)²/12. The
        // minimum is t = 100.03125 / (1 + 10^6/(127²·12)) ≈ 16.22, well above the bulk.
        const int n = 1_000_000;
        var x = Enumerable.Range(0, n).Select(i => -1f + 2f * (i + 0.5f) / n).Append(100f).ToArray();
        var o = new TensorObserver();
        o.Observe(x);
        Assert.Equal(1.0 / 16, o.BinWidth);
        double expected = 100.03125 / (1 + n / (127.0 * 127 * 12));
        var r = RangeMethods.Mse(o, bits: 8, symmetric: true);
        Assert.InRange(r.Max, expected - 1.0 / 16, expected + 1.0 / 16);
        Assert.Equal(-r.Max, r.Min);

        // Asymmetric on [0, 1]: with lo = 0, 255 steps give hi = 100.03125 / (1 + 10^6/(255²·12)) ≈ 43.85. The model may
        // also clip the lowest bin (its values then cost less than a step's rounding noise): lo = 1/16 keeps
        // 937,500 values and hi = 1/16 + 99.96875 / (1 + 937,500/(255²·12)) ≈ 45.47.
        var y = Enumerable.Range(0, n).Select(i => (i + 0.5f) / n).Append(100f).ToArray();
        var p = new TensorObserver();
        p.Observe(y);
        var a = RangeMethods.Mse(p, bits: 8, symmetric: false);
        double hiKeep = 100.03125 / (1 + n / (255.0 * 255 * 12));
        double hiClip = 1.0 / 16 + 99.96875 / (1 + 937_500 / (255.0 * 255 * 12));
        Assert.True(a.Min == p.Min ? Math.Abs(a.Max - hiKeep) <= 1.0 / 16 : a.Min == 1f / 16 && Math.Abs(a.Max - hiClip) <= 1.0 / 16,
            $"range {a}");
    }

    [Fact]
    public void Fast_mse_matches_the_naive_search()
    {
        var r = new Random(3);
        for (int trial = 0; trial < 30; trial++)
        {
            int n = r.Next(1, 400);
            var bins = RandomHistogram(r, n);
            foreach (int steps in new[] { 1, 7, 127 })
                Assert.Equal(MseSearch.ThresholdNaive(bins, steps), MseSearch.Threshold(bins, steps));
            var small = bins.AsSpan(0, Math.Min(n, 48));
            foreach (int steps in new[] { 3, 15, 255 })
                Assert.Equal(MseSearch.RangeNaive(small, steps), MseSearch.Range(small, steps));
        }
    }

    /// <summary>A bumpy bulk with empty bins and a sparse tail, as activations give.</summary>
    internal static long[] RandomHistogram(Random r, int n)
    {
        var bins = new long[n];
        double centre = r.NextDouble() * n / 3, width = 1 + r.NextDouble() * n / 6;
        for (int j = 0; j < n; j++)
        {
            double z = (j - centre) / width;
            bins[j] = r.Next(4) == 0 ? 0 : (long)(100_000 * Math.Exp(-z * z / 2)) + (r.Next(20) == 0 ? r.Next(1, 50) : 0);
        }
        return bins;
    }

    [Fact]
    public void Empty_observer_gives_an_empty_range()
    {
        var o = new TensorObserver();
        foreach (var m in Enum.GetValues<CalibrationMethod>())
            Assert.Equal(default, RangeMethods.Compute(o, m, 8, symmetric: true));
    }

    [Fact]
    public void Data_far_from_zero_coarsens_the_folded_histogram_instead_of_allocating_from_zero()
    {
        var o = new TensorObserver(bins: 256);
        o.Observe(Enumerable.Range(0, 1000).Select(i => 1e6f + i / 1000f).ToArray());
        var (abs, width) = RangeMethods.AbsHistogram(o);
        Assert.True(abs.Length <= 256);
        Assert.Equal(1000, abs.Sum());
        var r = RangeMethods.Entropy(o, 8, symmetric: true);
        Assert.True(r.Max <= o.Max && r.Max > 0);
        Assert.True(width >= o.BinWidth);
    }
}
