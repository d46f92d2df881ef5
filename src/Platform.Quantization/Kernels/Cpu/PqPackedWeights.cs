using Platform.Quantization.Formats;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// Product-quantized layer weights for <see cref="PqGemm"/>: the layer's codebook (≤ 256 codewords of D floats)
/// and one byte code per (output channel, sub-vector). Never expanded into a weight matrix.
/// </summary>
public sealed class PqPackedWeights
{
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

    private PqPackedWeights(int n, int k, int d, int centroids, float[] codebook, byte[] codes)
    {
        Columns = n;
        Depth = k;
        SubvectorLength = d;
        Centroids = centroids;
        Codebook = codebook;
        Codes = codes;
    }

    public static PqPackedWeights Pack(PqQuantizedWeight weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.CodeBytes != 1) throw new NotSupportedException($"{weight.Format.Name}: the lookup-table kernel takes at most 256 codewords, this layer has {weight.K}.");
        return new PqPackedWeights(weight.Channels, weight.RowLength, weight.D, weight.K, (float[])weight.Codebook.Clone(), (byte[])weight.Codes.Clone());
    }
}
