using Platform.Quantization.Formats;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// Product-quantized layer weights for <see cref="PqGemm"/>: the layer's codebook (≤ 256 codewords of D floats)
/// and one byte code per (output channel, sub-vector). Never expanded into a weight matrix.
/// </summary>
public sealed class PqPackedWeights
{
    /// <summary>Output channels per code block (<see cref="PqKernels.Block"/>).</summary>
    internal const int Block = PqKernels.Block;

    public int Columns { get; }
    public int Depth { get; }
    /// <summary>D: elements per sub-vector.</summary>
    public int SubvectorLength { get; }
    /// <summary>Codewords in the codebook (≤ 256).</summary>
    public int Centroids { get; }
    /// <summary>Centroids × D.</summary>
    internal float[] Codebook { get; }
    /// <summary>Code of sub-vector j of channel n at n·(K/D) + j, as stored.</summary>
    internal byte[] Codes { get; }

    /// <summary>K/D.</summary>
    internal int Subvectors { get; }

    /// <summary>Floats per sub-vector row of the lookup table: the centroids rounded up to whole 512-bit vectors.</summary>
    internal int TableStride { get; }

    /// <summary>The codebook transposed, D × <see cref="TableStride"/>, zero past the last codeword, so the table is built 16 codewords at a time. Pinned.</summary>
    internal float[] CodebookByElement { get; }

    /// <summary>
    /// Codes of 64 channels side by side: block b, sub-vector j, lane t at (b·(K/D) + j)·64 + t holds the code of
    /// channel 64b + t (0 past N). A block's codes are one contiguous run read in order. Pinned.
    /// </summary>
    internal byte[] BlockedCodes { get; }

    private PqPackedWeights(int n, int k, int d, int centroids, float[] codebook, byte[] codes)
    {
        Columns = n;
        Depth = k;
        SubvectorLength = d;
        Centroids = centroids;
        Codebook = codebook;
        Codes = codes;
        Subvectors = d == 0 ? 0 : k / d;
        TableStride = Math.Max(16, (centroids + 15) / 16 * 16);
        CodebookByElement = GC.AllocateArray<float>(Math.Max(1, d * TableStride), pinned: true);
        for (int c = 0; c < centroids; c++)
            for (int x = 0; x < d; x++) CodebookByElement[x * TableStride + c] = codebook[c * d + x];
        int blocks = (n + Block - 1) / Block;
        BlockedCodes = GC.AllocateArray<byte>(Math.Max(1, blocks * Subvectors * Block), pinned: true);
        for (int ch = 0; ch < n; ch++)
            for (int j = 0; j < Subvectors; j++)
                BlockedCodes[((ch / Block) * Subvectors + j) * Block + ch % Block] = codes[ch * Subvectors + j];
    }

    public static PqPackedWeights Pack(PqQuantizedWeight weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.CodeBytes != 1) throw new NotSupportedException($"{weight.Format.Name}: the lookup-table kernel takes at most 256 codewords, this layer has {weight.K}.");
        int n = weight.Channels, k = weight.RowLength, d = weight.D, per = weight.SubvectorsPerRow;
        if (d > 0 && k % d != 0)
            throw new ArgumentException($"{weight.Format.Name}: rows of {k} are not whole sub-vectors of {d}; quantize the layer with a sub-vector length that divides the row.", nameof(weight));
        if (weight.Codebook.Length < weight.K * d || weight.Codes.Length < n * per)
            throw new ArgumentException($"{weight.Format.Name} {string.Join('×', weight.Shape)}: {weight.Codebook.Length} codebook floats and {weight.Codes.Length} codes are fewer than {weight.K}×{d} and {n}×{per}; the stored form is truncated.", nameof(weight));
        for (int i = 0; i < n * per; i++)
            if (weight.Codes[i] >= weight.K)
                throw new ArgumentException($"{weight.Format.Name}: code {weight.Codes[i]} of sub-vector {i} is past the codebook's {weight.K} codewords; the stored form is corrupt.", nameof(weight));
        return new PqPackedWeights(n, k, d, weight.K, (float[])weight.Codebook.Clone(), (byte[])weight.Codes.Clone());
    }
}
