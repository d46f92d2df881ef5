using Platform.Quantization.Specs;

namespace Platform.Quantization.Formats;

/// <summary>
/// Product-quantized weights ("And the bit goes down", Stock et al. 2020): each output channel's row is cut
/// into sub-vectors of <see cref="D"/> consecutive elements, and each sub-vector is replaced by the index of
/// its nearest codeword in a layer-wide codebook of <see cref="K"/> float32 codewords. Code j of channel c
/// is at position c·(RowLength/D) + j; codes take one byte when K ≤ 256, else two (little-endian).
/// </summary>
public sealed class PqQuantizedWeight : QuantizedWeight
{
    internal PqQuantizedWeight(int[] shape, int axis, int k, int d, float[] codebook, byte[] codes, int iterations, double inertia)
        : base(WeightFormat.Pq(k, d), shape, axis)
    {
        K = k;
        D = d;
        Codebook = codebook;
        Codes = codes;
        Iterations = iterations;
        Inertia = inertia;
    }

    /// <summary>Codewords actually used: the asked k, or fewer when the layer has fewer distinct sub-vectors.</summary>
    public int K { get; }

    public int D { get; }

    /// <summary>K × D float32.</summary>
    public float[] Codebook { get; }

    public byte[] Codes { get; }

    public int CodeBytes => K <= 256 ? 1 : 2;

    public int SubvectorsPerRow => D == 0 ? 0 : RowLength / D;

    public int SubvectorCount => Channels * SubvectorsPerRow;

    /// <summary>k-means iterations run.</summary>
    public int Iterations { get; }

    /// <summary>Σ squared error of the sub-vectors against their codewords.</summary>
    public double Inertia { get; }

    public override long SizeBytes => Codes.LongLength + 4L * Codebook.Length;

    public int Code(int subvector) => CodeBytes == 1 ? Codes[subvector] : Codes[2 * subvector] | (Codes[2 * subvector + 1] << 8);

    public override void DequantizeRows(Span<float> rows)
    {
        int n = SubvectorCount;
        for (int s = 0; s < n; s++)
            Codebook.AsSpan(Code(s) * D, D).CopyTo(rows.Slice(s * D, D));
    }
}
