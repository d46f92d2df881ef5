using Platform.Quantization.Specs;

namespace Platform.Quantization.Formats;

/// <summary>
/// BinaryConnect / XNOR-Net weights: Ŵ = α_c·sign(W) with sign(0) = +1 and α_c = mean|W| over output
/// channel c. <see cref="Signs"/> holds one byte-aligned row of bits per channel, element i at bit i mod 8
/// of byte i/8, a set bit meaning +1.
/// </summary>
public sealed class BinaryQuantizedWeight : QuantizedWeight
{
    internal BinaryQuantizedWeight(int[] shape, int axis, byte[] signs, float[] alphas)
        : base(WeightFormat.Binary, shape, axis)
    {
        Signs = signs;
        Alphas = alphas;
    }

    public byte[] Signs { get; }

    /// <summary>α per output channel.</summary>
    public float[] Alphas { get; }

    public int RowBytes => BitPacking.RowBytes(RowLength, 1);

    public override long SizeBytes => Signs.LongLength + 4L * Alphas.Length;

    /// <summary>+1 or −1 for element i of channel c's row.</summary>
    public int Sign(int channel, int index) => BitPacking.GetUnsigned(Signs.AsSpan(channel * RowBytes, RowBytes), index, 1) != 0 ? 1 : -1;

    public override void DequantizeRows(Span<float> rows)
    {
        int len = RowLength;
        for (int c = 0; c < Channels; c++)
        {
            float a = Alphas[c];
            var dst = rows.Slice(c * len, len);
            for (int i = 0; i < len; i++) dst[i] = Sign(c, i) > 0 ? a : -a;
        }
    }
}
