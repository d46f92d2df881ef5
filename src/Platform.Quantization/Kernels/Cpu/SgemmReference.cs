namespace Platform.Quantization.Kernels.Cpu;

/// <summary>The plain triple loop every <see cref="Sgemm"/> path is checked against (double accumulation).</summary>
public static class SgemmReference
{
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        ReadOnlySpan<float> rowBias = default, ReadOnlySpan<float> columnBias = default, bool relu = false)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double acc = 0;
                for (int p = 0; p < k; p++)
                    acc += (double)(transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                double v = alpha * acc;
                if (beta != 0f) v += beta * (double)c[i * ldc + j];
                if (!rowBias.IsEmpty) v += rowBias[i];
                if (!columnBias.IsEmpty) v += columnBias[j];
                if (relu && v < 0) v = 0;
                c[i * ldc + j] = (float)v;
            }
    }
}
