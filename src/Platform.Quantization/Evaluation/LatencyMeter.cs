namespace Platform.Quantization.Evaluation;

/// <summary>
/// Measures an action's latency: <c>warmup</c> untimed runs (JIT, caches, thread pools), then <c>runs</c> timed
/// one by one. The median and p90 are what we report, since a mean is pulled up by the odd preempted run on a shared
/// machine. Time comes from a <see cref="TimeProvider"/> (Stopwatch ticks by default) so tests can drive a fake clock.
/// </summary>
public static class LatencyMeter
{
    public static LatencyStats Measure(Action action, int warmup, int runs, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        clock ??= TimeProvider.System;
        for (int i = 0; i < warmup; i++) action();
        var ms = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long t0 = clock.GetTimestamp();
            action();
            ms[i] = clock.GetElapsedTime(t0).TotalMilliseconds;
        }
        return Summarize(ms, warmup);
    }

    /// <summary>Stats of timings already taken (milliseconds, any order).</summary>
    public static LatencyStats Summarize(IReadOnlyList<double> timingsMs, int warmup = 0)
    {
        if (timingsMs.Count == 0) throw new ArgumentException("No timings to summarise.", nameof(timingsMs));
        var sorted = timingsMs.ToArray();
        Array.Sort(sorted);
        return new LatencyStats(warmup, sorted.Length, Percentile(sorted, 50), Percentile(sorted, 90), sorted.Average(), sorted[0], sorted[^1]);
    }

    /// <summary>
    /// The p-th percentile (0..100) of sorted values, interpolating linearly between the two nearest ranks
    /// (numpy.percentile's default): position p/100·(n−1).
    /// </summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.IsEmpty) throw new ArgumentException("No values.", nameof(sorted));
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 100);
        double pos = p / 100 * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
