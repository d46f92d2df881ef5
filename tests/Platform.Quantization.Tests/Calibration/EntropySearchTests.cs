using Platform.Quantization.Calibration;

namespace Platform.Quantization.Tests.Calibration;

public class EntropySearchTests
{
    [Fact]
    public void Divergences_of_a_tiny_histogram_by_hand()
    {
        // Bins [1, 3, 2, 2], 2 levels, no smoothing.
        // i=2: P = [1, 3+4] (outliers folded), Q = [1, 3]              → KL = 1/8·ln(1/2) + 7/8·ln(7/6)
        // i=3: P = [1, 3, 4], groups {0,1}{2}: Q = [2, 2, 2]          → KL = 1/8·ln(3/8) + 3/8·ln(9/8) + 1/2·ln(3/2)
        // i=4: P = [1, 3, 2, 2], groups {0,1}{2,3}: Q = [2, 2, 2, 2] → KL = 1/8·ln(1/2) + 3/8·ln(3/2)
        long[] bins = [1, 3, 2, 2];
        double[] expected =
        [
            1.0 / 8 * Math.Log(0.5) + 7.0 / 8 * Math.Log(7.0 / 6),
            1.0 / 8 * Math.Log(3.0 / 8) + 3.0 / 8 * Math.Log(9.0 / 8) + 0.5 * Math.Log(1.5),
            1.0 / 8 * Math.Log(0.5) + 3.0 / 8 * Math.Log(1.5),
        ];
        foreach (var d in new[] { EntropySearch.Divergences(bins, 2, 0), EntropySearch.DivergencesNaive(bins, 2, 0) })
        {
            Assert.Equal(expected.Length, d.Length);
            for (int k = 0; k < d.Length; k++) Assert.Equal(expected[k], d[k], 12);
        }
        Assert.Equal(2, EntropySearch.Threshold(bins, 2, 0));
        Assert.Equal(2, EntropySearch.ThresholdNaive(bins, 2, 0));
        // Smoothing only nudges: relative to the mean bin it is 10^-4, so the divergences barely move.
        var smoothed = EntropySearch.Divergences(bins, 2);
        for (int k = 0; k < smoothed.Length; k++) Assert.Equal(expected[k], smoothed[k], 3);
    }

    [Fact]
    public void Outliers_folded_into_an_empty_group_need_smoothing()
    {
        // i=2 keeps [4, 0] and folds 4 outliers into bin 1, alone in a group with no kept count: Q is 0 there.
        // i=3: P = [4, 0, 4]; groups {0,1}{2}: Q = [4, 0, 2] → KL = ½·ln(½ / ⅔) + ½·ln(½ / ⅓). i=4: Q = P → 0.
        long[] bins = [4, 0, 2, 2];
        foreach (var d in new[] { EntropySearch.Divergences(bins, 2, 0), EntropySearch.DivergencesNaive(bins, 2, 0) })
        {
            Assert.True(double.IsPositiveInfinity(d[0]));
            Assert.Equal(0.5 * Math.Log(0.75) + 0.5 * Math.Log(1.5), d[1], 12);
            Assert.Equal(0, d[2], 12);
        }
        Assert.Equal(4, EntropySearch.Threshold(bins, 2, 0));
        // Smoothed, i=2 is finite but large: ½·ln(½ / q) with q = δ / (4 + 2δ), δ = 10^-4·4/2.
        var s = EntropySearch.Divergences(bins, 2);
        double delta = 1e-4 * 4 / 2, norm = 4 + 2 * delta;
        double expected = 0.5 * Math.Log(0.5 / ((4 + delta) / norm)) + 0.5 * Math.Log(0.5 / (delta / norm));
        Assert.Equal(expected, s[0], 9);
        Assert.Equal(expected, EntropySearch.DivergencesNaive(bins, 2)[0], 9);
    }

    [Fact]
    public void Fast_search_selects_the_same_threshold_as_the_tensorrt_loop()
    {
        var r = new Random(9);
        for (int trial = 0; trial < 12; trial++)
        {
            int levels = trial % 3 == 0 ? 128 : r.Next(2, 40);
            var bins = RangeMethodsTests.RandomHistogram(r, levels + r.Next(1, 500));
            double smoothing = trial % 2 == 0 ? 0 : EntropySearch.DefaultSmoothing;
            var fast = EntropySearch.Divergences(bins, levels, smoothing);
            var naive = EntropySearch.DivergencesNaive(bins, levels, smoothing);
            Assert.Equal(naive.Length, fast.Length);
            for (int k = 0; k < fast.Length; k++)
            {
                if (double.IsInfinity(naive[k])) Assert.True(double.IsPositiveInfinity(fast[k]));
                else Assert.Equal(naive[k], fast[k], 1e-9 * Math.Max(1, naive[k]));
            }
            Assert.Equal(EntropySearch.ThresholdNaive(bins, levels, smoothing), EntropySearch.Threshold(bins, levels, smoothing));
        }
    }

    [Fact]
    public void Fewer_bins_than_levels_keeps_everything()
    {
        Assert.Equal(5, EntropySearch.Threshold([1, 2, 3, 4, 5], 128));
    }
}
