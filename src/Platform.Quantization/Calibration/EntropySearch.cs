using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
    // Called a few times per value but loops ~n·levels times: optimised from the first call, not after tiering up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        var qBuf = new double[levels];
        var massBuf = new double[levels];
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

            // Gather each group's Q value and P mass, then take the logs in one vectorized pass. Group g spans
            // bins [⌈g·i/L⌉, ⌈(g+1)·i/L⌉); the bounds advance by i/L with the remainder carried, no division.
            int step = i / levels, rem = i % levels, carry = 0, start = 0;
            for (int g = 0; g < levels; g++)
            {
                int end = start + step;
                carry += rem;
                if (carry > 0) { end++; carry -= levels; }
                long c = count[end] - count[start];
                int z = nonEmpty[end] - nonEmpty[start];
                double mass = c;
                if (g == levels - 1) { z += lastExtra; mass += outliers; }
                // An empty group (no P mass) contributes nothing: log(1)·0.
                qBuf[g] = mass > 0 ? (double)c / z + delta : 1;
                massBuf[g] = mass;
                start = end;
            }
            double sumPLogQ = SumMassLog(massBuf, qBuf);
            double kl = (sumPLogP - totalLogTotal - sumPLogQ + total * Math.Log(kept + i * delta)) / total;
            result[i - levels] = double.IsNaN(kl) ? double.PositiveInfinity : kl;
        }
        return result;
    }

    /// <summary>Σ mass·log(q); q = 0 with mass &gt; 0 gives −∞ (Q vanishes where P does not).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumMassLog(double[] mass, double[] q)
    {
        int k = 0;
        double sum = 0;
        if (Vector512.IsHardwareAccelerated && q.Length >= Vector512<double>.Count)
        {
            var acc = Vector512<double>.Zero;
            for (; k <= q.Length - Vector512<double>.Count; k += Vector512<double>.Count)
                acc += Vector512.Create(mass.AsSpan(k)) * Vector512.Log(Vector512.Create(q.AsSpan(k)));
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && q.Length >= Vector256<double>.Count)
        {
            var acc = Vector256<double>.Zero;
            for (; k <= q.Length - Vector256<double>.Count; k += Vector256<double>.Count)
                acc += Vector256.Create(mass.AsSpan(k)) * Vector256.Log(Vector256.Create(q.AsSpan(k)));
            sum = Vector256.Sum(acc);
        }
        for (; k < q.Length; k++) sum += mass[k] * Math.Log(q[k]);
        return sum;
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
