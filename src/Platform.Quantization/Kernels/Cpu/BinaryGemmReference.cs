namespace Platform.Quantization.Kernels.Cpu;

/// <summary>The scalar definition every <see cref="BinaryGemm"/> path is tested against.</summary>
public static class BinaryGemmReference
{
    public static void Multiply(int m, ReadOnlySpan<float> a, int lda, BinaryPackedWeights w, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, bool relu)
    {
        int n = w.Columns, k = w.Depth;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0f;
                for (int p = 0; p < k; p++) s += w.Signs[j * k + p] * a[i * lda + p];
                c[i * ldc + j] = Int4GemmReference.Finish(w.Alphas[j] * s, j, bias, relu);
            }
    }

    public static void MultiplyXnor(BinaryActivations a, BinaryPackedWeights w, Span<float> c, int ldc, ReadOnlySpan<float> bias, bool relu)
    {
        if (a.Depth != w.Depth) throw new ArgumentException($"Activations have depth {a.Depth} but the weights {w.Depth}.", nameof(a));
        int n = w.Columns, k = w.Depth;
        for (int i = 0; i < a.Rows; i++)
            for (int j = 0; j < n; j++)
            {
                int mismatches = 0;
                for (int p = 0; p < k; p++) if (a.Signs[i * k + p] != w.Signs[j * k + p]) mismatches++;
                c[i * ldc + j] = Int4GemmReference.Finish(w.Alphas[j] * a.Betas[i] * (k - 2 * mismatches), j, bias, relu);
            }
    }
}
