namespace Platform.Quantization.Kernels.Cpu;

/// <summary>The scalar definition every <see cref="HalfGemm"/> path is tested against.</summary>
public static class HalfGemmReference
{
    public static void Multiply(int m, ReadOnlySpan<float> a, int lda, HalfPackedWeights w, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, bool relu)
    {
        int n = w.Columns, k = w.Depth;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0f;
                for (int p = 0; p < k; p++) s += a[i * lda + p] * w.Element(j, p);
                c[i * ldc + j] = Int4GemmReference.Finish(s, j, bias, relu);
            }
    }
}
