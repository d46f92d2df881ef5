namespace Platform.Quantization.Calibration;

/// <summary>
/// Clipping ranges from an observer's histogram. Symmetric ranges are ±t with t chosen from |x|; asymmetric
/// ones choose each end. Ranges never reach beyond the observed min and max.
/// </summary>
public static class RangeMethods
{
    public static ClipRange Compute(TensorObserver observer, CalibrationMethod method, int bits, bool symmetric, double percentile = 99.99) => method switch
    {
        CalibrationMethod.MinMax => MinMax(observer, symmetric),
        CalibrationMethod.Percentile => Percentile(observer, symmetric, percentile),
        CalibrationMethod.Entropy => Entropy(observer, bits, symmetric),
        CalibrationMethod.Mse => Mse(observer, bits, symmetric),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown calibration method."),
    };

    public static ClipRange Compute(TensorObserver observer, CalibrationOptions options) =>
        Compute(observer, options.Method, options.Bits, options.Symmetric, options.Percentile);

    public static ClipRange MinMax(TensorObserver observer, bool symmetric)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (!symmetric) return new(observer.Min, observer.Max);
        float t = observer.MaxAbs;
        return new(-t, t);
    }

    /// <param name="percentile">In (0, 100]: the share of values (of |x| when symmetric) kept inside; asymmetric
    /// ranges cut (100 − percentile)% at each end.</param>
    public static ClipRange Percentile(TensorObserver observer, bool symmetric, double percentile = 99.99)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (!(percentile > 0 && percentile <= 100))
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "The percentile must be in (0, 100].");
        if (observer.Count == 0) return default;
        double w = observer.BinWidth;
        if (symmetric)
        {
            var (abs, aw) = AbsHistogram(observer);
            float t = Clamp(Quantile(abs, percentile / 100) * aw, observer.MaxAbs);
            return new(-t, t);
        }
        var bins = observer.OccupiedCounts;
        double origin = observer.FirstBin * w;
        float lo = (float)Math.Max(origin + Quantile(bins, 1 - percentile / 100) * w, observer.Min);
        float hi = (float)Math.Min(origin + Quantile(bins, percentile / 100) * w, observer.Max);
        return new(Math.Min(lo, hi), hi);
    }

    /// <summary>
    /// TensorRT's KL-divergence threshold. Symmetric: over |x| with 2^(bits−1) levels. Asymmetric data of one
    /// sign: over that side with 2^bits levels (the whole grid lies on it); of both signs: each side on its
    /// own with 2^(bits−1) levels.
    /// </summary>
    public static ClipRange Entropy(TensorObserver observer, int bits, bool symmetric)
    {
        ArgumentNullException.ThrowIfNull(observer);
        CheckBits(bits);
        if (observer.Count == 0) return default;
        if (symmetric)
        {
            float t = EntropyThreshold(AbsHistogram(observer), 1 << (bits - 1), observer.MaxAbs);
            return new(-t, t);
        }
        if (observer.Min >= 0)
            return new(observer.Min, EntropyThreshold(SideHistogram(observer, positive: true), 1 << bits, observer.Max));
        if (observer.Max <= 0)
            return new(-EntropyThreshold(SideHistogram(observer, positive: false), 1 << bits, -observer.Min), observer.Max);
        float hi = EntropyThreshold(SideHistogram(observer, positive: true), 1 << (bits - 1), observer.Max);
        float lo = EntropyThreshold(SideHistogram(observer, positive: false), 1 << (bits - 1), -observer.Min);
        return new(-lo, hi);
    }

    /// <summary>
    /// The range minimising expected squared error (rounding noise inside, clipping outside). Symmetric: t over
    /// |x| with 2^(bits−1)−1 steps on each side; asymmetric: both ends over the signed histogram with 2^bits−1 steps.
    /// </summary>
    public static ClipRange Mse(TensorObserver observer, int bits, bool symmetric)
    {
        ArgumentNullException.ThrowIfNull(observer);
        CheckBits(bits);
        if (observer.Count == 0) return default;
        if (symmetric)
        {
            var (abs, aw) = AbsHistogram(observer);
            float t = Clamp(MseSearch.Threshold(abs, (1 << (bits - 1)) - 1) * aw, observer.MaxAbs);
            return new(-t, t);
        }
        double w = observer.BinWidth;
        var (a, b) = MseSearch.Range(observer.OccupiedCounts, (1 << bits) - 1);
        double origin = observer.FirstBin * w;
        float lo = (float)Math.Max(origin + a * w, observer.Min);
        float hi = (float)Math.Min(origin + b * w, observer.Max);
        return new(Math.Min(lo, hi), hi);
    }

    /// <summary>
    /// Share of the observed values outside <paramref name="range"/> (they will be clipped), from the histogram,
    /// assuming values spread evenly inside a bin (within the observed min and max).
    /// </summary>
    public static double ClippedFraction(TensorObserver observer, ClipRange range)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (observer.Count == 0) return 0;
        var bins = observer.OccupiedCounts;
        double w = observer.BinWidth, clipped = 0;
        for (int k = 0; k < bins.Length; k++)
        {
            if (bins[k] == 0) continue;
            // Values spread evenly over the part of the bin inside [min, max]; the share below range.Min and above range.Max.
            double lo = Math.Max((observer.FirstBin + k) * w, observer.Min);
            double hi = Math.Min((observer.FirstBin + k + 1) * w, observer.Max);
            double below, above;
            if (hi > lo)
            {
                below = Math.Clamp((range.Min - lo) / (hi - lo), 0, 1);
                above = Math.Clamp((hi - range.Max) / (hi - lo), 0, 1);
            }
            else
            {
                below = lo < range.Min ? 1 : 0;
                above = lo > range.Max ? 1 : 0;
            }
            clipped += bins[k] * Math.Min(1, below + above);
        }
        return clipped / observer.Count;
    }

    /// <summary>
    /// |x| on the observer's grid: bin k holds |x| in [k·w, (k+1)·w) (negative grid bin g folds onto −g−1).
    /// Data far from 0 would need a histogram from 0 longer than the window: the grid is then coarsened
    /// (exactly, by powers of two) until it fits in <see cref="TensorObserver.BinCount"/> bins.
    /// </summary>
    internal static (long[] Bins, double Width) AbsHistogram(TensorObserver o) => Fold(o, positive: true, negative: true);

    /// <summary>One sign's values by distance from 0, on the grid of <see cref="AbsHistogram"/>.</summary>
    internal static (long[] Bins, double Width) SideHistogram(TensorObserver o, bool positive) => Fold(o, positive, !positive);

    private static (long[] Bins, double Width) Fold(TensorObserver o, bool positive, bool negative)
    {
        var bins = o.OccupiedCounts;
        long first = o.FirstBin, last = first + bins.Length - 1;
        long n = 0;
        if (positive && last >= 0) n = last + 1;
        if (negative && first < 0) n = Math.Max(n, -first);
        int shift = 0;
        while (((n - 1) >> shift) + 1 > o.BinCount) shift++;
        var side = new long[n == 0 ? 0 : ((n - 1) >> shift) + 1];
        for (int k = 0; k < bins.Length; k++)
        {
            long g = first + k;
            if (g >= 0 ? positive : negative) side[(g >= 0 ? g : -g - 1) >> shift] += bins[k];
        }
        return (side, Math.ScaleB(o.BinWidth, shift));
    }

    /// <summary>The position (in bins from the histogram's origin) below which a share q of the counts lies, linear inside a bin.</summary>
    internal static double Quantile(ReadOnlySpan<long> bins, double q)
    {
        long total = 0;
        foreach (var c in bins) total += c;
        double target = q * total;
        long cum = 0;
        for (int k = 0; k < bins.Length; k++)
        {
            long c = bins[k];
            if (c > 0 && cum + c >= target) return k + Math.Max(0, target - cum) / c;
            cum += c;
        }
        return bins.Length;
    }

    private static float EntropyThreshold((long[] Bins, double Width) h, int levels, float limit) =>
        Clamp(EntropySearch.Threshold(h.Bins, levels) * h.Width, limit);

    private static float Clamp(double t, float limit) => (float)Math.Min(t, limit);

    private static void CheckBits(int bits)
    {
        if (bits is < 2 or > 16) throw new ArgumentOutOfRangeException(nameof(bits), bits, "Bit width must be between 2 and 16.");
    }
}
