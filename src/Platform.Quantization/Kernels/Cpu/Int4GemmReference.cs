using Platform.Quantization.Formats;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>The scalar definition every <see cref="Int4Gemm"/> path is tested against.</summary>
public static class Int4GemmReference
{
    public static void Multiply(int m, ReadOnlySpan<float> a, int lda, Int4PackedWeights w, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, bool relu)
    {
        var q = w.Source;
        int n = w.Columns, k = w.Depth;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0f;
                for (int p = 0; p < k; p++) s += a[i * lda + p] * q.Params(j, p).Dequantize(q.Code(j, p));
                c[i * ldc + j] = Finish(s, j, bias, relu);
            }
    }

    public static void Multiply(int m, ReadOnlySpan<byte> a, int lda, ReadOnlySpan<float> rowScales, ReadOnlySpan<int> rowZeroPoints,
        Int4PackedWeights w, Span<float> c, int ldc, ReadOnlySpan<float> bias, bool relu)
    {
        var q = w.Source;
        int n = w.Columns, k = w.Depth, g = Math.Max(1, w.GroupSize);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0f;
                for (int start = 0; start < k; start += g)
                {
                    var p = q.Params(j, start);
                    int acc = 0;
                    for (int x = start; x < Math.Min(k, start + g); x++) acc += (a[i * lda + x] - rowZeroPoints[i]) * (q.Code(j, x) - p.ZeroPoint);
                    s += acc * (rowScales[i] * p.Scale);
                }
                c[i * ldc + j] = Finish(s, j, bias, relu);
            }
    }

    /// <summary>Per-row asymmetric u8 quantization: the definition <see cref="Int4Gemm.QuantizeRows"/> must match exactly.</summary>
    public static void QuantizeRows(ReadOnlySpan<float> a, int m, int k, int lda, Span<byte> q, Span<float> scales, Span<int> zeroPoints)
    {
        Int4Gemm.CheckQuantizeRows(a.Length, m, k, lda, q.Length, scales.Length, zeroPoints.Length);
        for (int i = 0; i < m; i++)
        {
            float min = 0f, max = 0f;
            for (int x = 0; x < k; x++)
            {
                min = Math.Min(min, a[i * lda + x]);
                max = Math.Max(max, a[i * lda + x]);
            }
            var p = QuantParams.FromRange(min, max, 8, symmetric: false);
            scales[i] = p.Scale;
            zeroPoints[i] = p.ZeroPoint;
            for (int x = 0; x < k; x++) q[i * k + x] = (byte)p.Quantize(a[i * lda + x]);
        }
    }

    internal static float Finish(float s, int column, ReadOnlySpan<float> bias, bool relu)
    {
        if (!bias.IsEmpty) s += bias[column];
        return relu && s < 0f ? 0f : s;
    }
}
