namespace Platform.Quantization.Calibration;

/// <summary>
/// The clip range minimising the expected squared quantization error, from a histogram (bin j holds
/// [j, j+1) in bin units; its values are taken at the centre j+½). Values inside the range cost the uniform
/// rounding noise step²/12; values outside cost their distance to the nearest bound, squared. Candidate
/// bounds are bin edges. The fast versions use prefix sums of h, h·m and h·m² so each candidate is O(1).
/// </summary>
internal static class MseSearch
{
    /// <summary>One-sided range [0, t]: returns t in bins (1..n), with <paramref name="steps"/> steps over [0, t].</summary>
    public static int Threshold(ReadOnlySpan<long> bins, int steps)
    {
        int n = bins.Length;
        if (n == 0) return 0;
        double m0 = 0, m1 = 0, m2 = 0;
        for (int j = 0; j < n; j++) { double h = bins[j], m = j + 0.5; m0 += h; m1 += h * m; m2 += h * m * m; }
        // Running sums of the kept part; the clipped part is the total minus them.
        double k0 = 0, k1 = 0, k2 = 0;
        double best = double.PositiveInfinity;
        int bestK = n;
        for (int k = 1; k <= n; k++)
        {
            double h = bins[k - 1], m = k - 0.5;
            k0 += h; k1 += h * m; k2 += h * m * m;
            double step = (double)k / steps;
            double err = k0 * step * step / 12 + (m2 - k2) - 2.0 * k * (m1 - k1) + (double)k * k * (m0 - k0);
            if (err < best) { best = err; bestK = k; }
        }
        return bestK;
    }

    public static int ThresholdNaive(ReadOnlySpan<long> bins, int steps)
    {
        int n = bins.Length;
        double best = double.PositiveInfinity;
        int bestK = n;
        for (int k = 1; k <= n; k++)
        {
            double step = (double)k / steps, err = 0;
            for (int j = 0; j < n; j++)
            {
                double m = j + 0.5;
                err += bins[j] * (j < k ? step * step / 12 : (m - k) * (m - k));
            }
            if (err < best) { best = err; bestK = k; }
        }
        return bestK;
    }

    /// <summary>Two-sided range [a, b] in bin edges (0 ≤ a &lt; b ≤ n), <paramref name="steps"/> steps over it: O(n²).</summary>
    public static (int Lo, int Hi) Range(ReadOnlySpan<long> bins, int steps)
    {
        int n = bins.Length;
        if (n == 0) return (0, 0);
        var s0 = new double[n + 1];
        var s1 = new double[n + 1];
        var s2 = new double[n + 1];
        for (int j = 0; j < n; j++)
        {
            double h = bins[j], m = j + 0.5;
            s0[j + 1] = s0[j] + h; s1[j + 1] = s1[j] + h * m; s2[j + 1] = s2[j] + h * m * m;
        }
        double t0 = s0[n], t1 = s1[n], t2 = s2[n];
        double best = double.PositiveInfinity;
        (int, int) bestRange = (0, n);
        double noise = 1.0 / (12.0 * steps * steps);
        for (int a = 0; a < n; a++)
        {
            double below = (double)a * a * s0[a] - 2.0 * a * s1[a] + s2[a];
            if (below >= best) break;  // only grows with a
            for (int b = a + 1; b <= n; b++)
            {
                double width = b - a;
                double err = below + (s0[b] - s0[a]) * width * width * noise
                    + (t2 - s2[b]) - 2.0 * b * (t1 - s1[b]) + (double)b * b * (t0 - s0[b]);
                if (err < best) { best = err; bestRange = (a, b); }
            }
        }
        return bestRange;
    }

    public static (int Lo, int Hi) RangeNaive(ReadOnlySpan<long> bins, int steps)
    {
        int n = bins.Length;
        double best = double.PositiveInfinity;
        (int, int) bestRange = (0, n);
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b <= n; b++)
            {
                double step = (double)(b - a) / steps, err = 0;
                for (int j = 0; j < n; j++)
                {
                    double m = j + 0.5;
                    double d = j < a ? a - m : j >= b ? m - b : 0;
                    err += bins[j] * (j >= a && j < b ? step * step / 12 : d * d);
                }
                if (err < best) { best = err; bestRange = (a, b); }
            }
        return bestRange;
    }
}
