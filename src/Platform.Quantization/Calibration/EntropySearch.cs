namespace Platform.Quantization.Calibration;

/// <summary>
/// TensorRT's entropy calibration on a histogram of one sign (bin j holds [j·w, (j+1)·w)). For each candidate
/// i (bins kept, from <c>levels</c> to all), P is the first i bins with the outliers folded into the last one;
/// Q is the first i bins without the outliers, merged into <c>levels</c> groups (bin j in group ⌊j·levels/i⌋)
/// and spread back evenly over the group's bins where P is non-zero. The candidate with the smallest KL(P‖Q)
/// wins (the first, on ties).
/// <para>
/// Q is smoothed by adding ε times its mean bin count to every bin (MXNet and ONNX Runtime smooth too): without
/// it, a threshold inside a gap before far outliers folds them into a bin where Q is 0, every such candidate is
/// infinitely bad, and the search can only choose a threshold at or beyond the outliers, keeping them. Relative
/// to the mean, ε makes the result independent of how many values were observed.
/// </para>
/// </summary>
internal static class EntropySearch
{
    public const double DefaultSmoothing = 1e-4;

    /// <summary>Bins to keep (the clip threshold is that many bin widths).</summary>
    public static int Threshold(ReadOnlySpan<long> bins, int levels, double smoothing = DefaultSmoothing) =>
        ArgMin(Divergences(bins, levels, smoothing), bins.Length, levels);

    public static int ThresholdNaive(ReadOnlySpan<long> bins, int levels, double smoothing = DefaultSmoothing) =>
        ArgMin(DivergencesNaive(bins, levels, smoothing), bins.Length, levels);

    /// <summary>
    /// KL(P‖Q) for i = levels..n, from prefix sums. With T the total, S the kept count, δ the smoothing, and for
    /// group g its kept count c_g, its bins z_g where P is non-zero and its share m_g of P (c_g, plus the
    /// outliers for the last group): T·KL = Σ P log P − T log T − Σ_g m_g log(c_g/z_g + δ) + T log(S + iδ).
    /// Σ P log P is a prefix sum but for the last bin, so a candidate costs O(levels), not O(i).
    /// </summary>
    public static double[] Divergences(ReadOnlySpan<long> bins, int levels, double smoothing = DefaultSmoothing)
    {
        int n = bins.Length;
        if (n <= levels) return [];
        var count = new long[n + 1];
        var nonEmpty = new int[n + 1];
        var pLogP = new double[n + 1];
        for (int j = 0; j < n; j++)
        {
            long h = bins[j];
            count[j + 1] = count[j] + h;
            nonEmpty[j + 1] = nonEmpty[j] + (h > 0 ? 1 : 0);
            pLogP[j + 1] = pLogP[j] + (h > 0 ? h * Math.Log(h) : 0);
        }

        long total = count[n];
        double totalLogTotal = total > 0 ? total * Math.Log(total) : 0;
        var result = new double[n - levels + 1];
        for (int i = levels; i <= n; i++)
        {
            long kept = count[i];
            long outliers = total - kept;
            long last = bins[i - 1];
            double lastP = last + outliers;
            if (lastP == 0 && total == 0) { result[i - levels] = 0; continue; }
            double sumPLogP = pLogP[i - 1] + (lastP > 0 ? lastP * Math.Log(lastP) : 0);
            double delta = smoothing * kept / i;
            // The last bin counts as non-empty in P when outliers were folded into it, whatever it held itself.
            int lastExtra = last == 0 && outliers > 0 ? 1 : 0;

            double sumPLogQ = 0;
            int start = 0;
            for (int g = 0; g < levels; g++)
            {
                int end = (int)(((long)(g + 1) * i + levels - 1) / levels);
                long c = count[end] - count[start];
                int z = nonEmpty[end] - nonEmpty[start];
                double mass = c;
                if (g == levels - 1) { z += lastExtra; mass += outliers; }
                if (mass > 0)
                {
                    double q = (double)c / z + delta;
                    sumPLogQ = q > 0 ? sumPLogQ + mass * Math.Log(q) : double.NegativeInfinity;
                }
                start = end;
            }
            double kl = (sumPLogP - totalLogTotal - sumPLogQ + total * Math.Log(kept + i * delta)) / total;
            result[i - levels] = double.IsNaN(kl) ? double.PositiveInfinity : kl;
        }
        return result;
    }

    /// <summary>The TensorRT loop as written: builds P and Q for every candidate (O(n²)); the reference for tests.</summary>
    public static double[] DivergencesNaive(ReadOnlySpan<long> bins, int levels, double smoothing = DefaultSmoothing)
    {
        int n = bins.Length;
        if (n <= levels) return [];
        var result = new double[n - levels + 1];
        for (int i = levels; i <= n; i++)
        {
            var p = new double[i];
            for (int j = 0; j < i; j++) p[j] = bins[j];
            double outliers = 0;
            for (int j = i; j < n; j++) outliers += bins[j];
            p[i - 1] += outliers;

            var groupSum = new double[levels];
            var groupNonZero = new int[levels];
            for (int j = 0; j < i; j++)
            {
                int g = (int)((long)j * levels / i);
                groupSum[g] += bins[j];
                if (p[j] > 0) groupNonZero[g]++;
            }
            var q = new double[i];
            double kept = 0;
            for (int j = 0; j < i; j++) kept += bins[j];
            for (int j = 0; j < i; j++)
            {
                int g = (int)((long)j * levels / i);
                q[j] = (p[j] > 0 ? groupSum[g] / groupNonZero[g] : 0) + smoothing * kept / i;
            }

            double pSum = p.Sum(), qSum = q.Sum();
            double kl = 0;
            for (int j = 0; j < i && !double.IsInfinity(kl); j++)
            {
                if (p[j] == 0) continue;
                double pj = p[j] / pSum, qj = qSum > 0 ? q[j] / qSum : 0;
                kl = qj == 0 ? double.PositiveInfinity : kl + pj * Math.Log(pj / qj);
            }
            result[i - levels] = pSum == 0 ? 0 : kl;
        }
        return result;
    }

    private static int ArgMin(double[] divergences, int n, int levels)
    {
        if (divergences.Length == 0) return n;
        int best = divergences.Length - 1;
        for (int k = 0; k < divergences.Length; k++)
            if (divergences[k] < divergences[best] || (divergences[k] == divergences[best] && k < best)) best = k;
        return best + levels;
    }
}
