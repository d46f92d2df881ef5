using Platform.Quantization.Formats;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// int4 layer weights packed once for <see cref="Int4Gemm"/>: N output channels of K codes, two per byte, with
/// scales (and, asymmetric, zero points) per group of K; per-channel and per-tensor are groups of the whole row.
/// </summary>
public sealed class Int4PackedWeights
{
    /// <summary>N: output channels.</summary>
    public int Columns { get; }
    /// <summary>K: the shared dimension.</summary>
    public int Depth { get; }
    /// <summary>Elements of a row that share a scale.</summary>
    public int GroupSize { get; }
    /// <summary>The stored weight, kept for the scalar reference.</summary>
    internal AffineQuantizedWeight Source { get; }

    private Int4PackedWeights(AffineQuantizedWeight w)
    {
        Source = w;
        Columns = w.Channels;
        Depth = w.RowLength;
        GroupSize = w.GroupSize;
    }

    public static Int4PackedWeights Pack(AffineQuantizedWeight weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Bits != 4) throw new ArgumentException($"{weight.Format.Name} weights are not 4-bit.", nameof(weight));
        return new Int4PackedWeights(weight);
    }
}
