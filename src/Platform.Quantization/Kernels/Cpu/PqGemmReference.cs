namespace Platform.Quantization.Kernels.Cpu;

/// <summary>The scalar definition every <see cref="PqGemm"/> path is tested against: the decompressed product.</summary>
public static class PqGemmReference
{
    public static void Multiply(int m, ReadOnlySpan<float> a, int lda, PqPackedWeights w, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, bool relu)
    {
        int n = w.Columns, k = w.Depth, d = w.SubvectorLength, per = k / d;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0f;
                for (int sv = 0; sv < per; sv++)
                {
                    int code = w.Codes[j * per + sv];
                    float t = 0f;
                    for (int x = 0; x < d; x++) t += a[i * lda + sv * d + x] * w.Codebook[code * d + x];
                    s += t;
                }
                c[i * ldc + j] = Int4GemmReference.Finish(s, j, bias, relu);
            }
    }
}
