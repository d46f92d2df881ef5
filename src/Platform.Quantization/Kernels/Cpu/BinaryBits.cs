namespace Platform.Quantization.Kernels.Cpu;

/// <summary>The bit-row layout shared by <see cref="BinaryPackedWeights"/> and <see cref="BinaryActivations"/>.</summary>
internal static class BinaryBits
{
    /// <summary>K rounded up to whole 512-bit vectors, in 64-bit words, so every vector path reads whole vectors with no tail.</summary>
    public static int WordsPerRow(int k) => (k + 511) / 512 * 8;

    public static sbyte[] ExpandSigns(ulong[] bits, int rows, int k, int words)
    {
        var signs = new sbyte[rows * k];
        for (int r = 0; r < rows; r++)
            for (int p = 0; p < k; p++)
                signs[r * k + p] = (sbyte)(((bits[r * words + p / 64] >> (p % 64)) & 1) != 0 ? 1 : -1);
        return signs;
    }
}
