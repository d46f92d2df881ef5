namespace Platform.Quantization.Kernels.Cpu;

/// <summary>The scalar definition every <see cref="Int8Gemm"/> path is tested against.</summary>
public static class Int8GemmReference
{
    public static void Multiply(int m, ReadOnlySpan<byte> a, int lda, int aZero, Int8PackedWeights w, Span<int> c, int ldc)
    {
        int n = w.Columns, k = w.Depth;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                int wz = w.ZeroPoints?[j] ?? 0, s = 0;
                for (int p = 0; p < k; p++) s += (a[i * lda + p] - aZero) * (w.Rows[j * k + p] - wz);
                c[i * ldc + j] = s;
            }
    }

    public static void Multiply(int m, ReadOnlySpan<sbyte> a, int lda, int aZero, Int8PackedWeights w, Span<int> c, int ldc)
    {
        int n = w.Columns, k = w.Depth;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                int wz = w.ZeroPoints?[j] ?? 0, s = 0;
                for (int p = 0; p < k; p++) s += (a[i * lda + p] - aZero) * (w.Rows[j * k + p] - wz);
                c[i * ldc + j] = s;
            }
    }

    public static void Multiply(int m, ReadOnlySpan<byte> a, int lda, int aZero, Int8PackedWeights w, Int8Epilogue e, Span<float> c, int ldc)
    {
        var acc = new int[m * w.Columns];
        Multiply(m, a, lda, aZero, w, acc, w.Columns);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < w.Columns; j++)
                c[e.TransposeOutput ? j * ldc + i : i * ldc + j] = Apply(e, acc[i * w.Columns + j], j);
    }

    public static void Multiply(int m, ReadOnlySpan<byte> a, int lda, int aZero, Int8PackedWeights w, Int8Epilogue e, Span<byte> c, int ldc)
    {
        var acc = new int[m * w.Columns];
        Multiply(m, a, lda, aZero, w, acc, w.Columns);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < w.Columns; j++)
            {
                float y = Apply(e, acc[i * w.Columns + j], j);
                float q = MathF.Round(y / e.OutputScale) + e.OutputZeroPoint;
                c[e.TransposeOutput ? j * ldc + i : i * ldc + j] = (byte)Math.Clamp(q, 0f, 255f);
            }
    }

    public static float Apply(Int8Epilogue e, int acc, int column)
    {
        float y = acc * e.Scales[column] + (e.Bias?[column] ?? 0f);
        return e.Relu && y < 0f ? 0f : y;
    }
}
