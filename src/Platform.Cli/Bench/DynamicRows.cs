namespace Platform.Cli.Bench;

/// <summary>Per-row asymmetric u8 quantization of fp32 activations (min/max of each row, zero included).</summary>
internal static class DynamicRows
{
    public static void Quantize(ReadOnlySpan<float> a, int m, int k, Span<byte> q, Span<float> scales, Span<int> zeroPoints)
    {
        for (int i = 0; i < m; i++)
        {
            var row = a.Slice(i * k, k);
            float lo = 0f, hi = 0f;
            foreach (var x in row) { lo = MathF.Min(lo, x); hi = MathF.Max(hi, x); }
            float s = hi > lo ? (hi - lo) / 255f : 1f;
            int z = (int)MathF.Round(-lo / s);
            scales[i] = s;
            zeroPoints[i] = z;
            var dst = q.Slice(i * k, k);
            for (int j = 0; j < k; j++) dst[j] = (byte)Math.Clamp((int)MathF.Round(row[j] / s) + z, 0, 255);
        }
    }
}
