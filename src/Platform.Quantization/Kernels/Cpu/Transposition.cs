namespace Platform.Quantization.Kernels.Cpu;

/// <summary>Out-of-place matrix transpose in cache-sized blocks (a convolution's [positions, channels] product into NCHW).</summary>
internal static class Transposition
{
    /// <summary>dst[j, i] = src[i, j] for src rows × cols.</summary>
    public static void Transpose(ReadOnlySpan<float> src, Span<float> dst, int rows, int cols)
    {
        const int B = 32;
        for (int i0 = 0; i0 < rows; i0 += B)
            for (int j0 = 0; j0 < cols; j0 += B)
            {
                int i1 = Math.Min(rows, i0 + B), j1 = Math.Min(cols, j0 + B);
                for (int i = i0; i < i1; i++)
                    for (int j = j0; j < j1; j++)
                        dst[j * rows + i] = src[i * cols + j];
            }
    }
}
