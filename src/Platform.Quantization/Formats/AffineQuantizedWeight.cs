using Platform.Quantization.Specs;

namespace Platform.Quantization.Formats;

/// <summary>
/// int8 / int4 / int2 weights: packed codes, float32 scales and (asymmetric only) uint8 zero points.
/// <see cref="Codes"/> holds one byte-aligned row per output channel, codes packed as
/// <see cref="BitPacking"/> describes (int8: one per byte; int4: two, low nibble first; int2: four,
/// lowest bits first). Symmetric codes are signed two's complement in their field; asymmetric codes are
/// unsigned. Scales and zero points are indexed [channel, group] (one entry for per-tensor); see
/// <see cref="QuantParams"/> for the formula and sign convention.
/// </summary>
public sealed class AffineQuantizedWeight : QuantizedWeight
{
    internal AffineQuantizedWeight(WeightFormat format, int[] shape, int axis, Granularity granularity, bool symmetric,
        int groupSize, byte[] codes, float[] scales, byte[]? zeroPoints)
        : base(format, shape, axis)
    {
        Granularity = granularity;
        Symmetric = symmetric;
        GroupSize = groupSize;
        Codes = codes;
        Scales = scales;
        ZeroPoints = zeroPoints;
    }

    public int Bits => Format.IntegerBits;

    public bool Symmetric { get; }

    public Granularity Granularity { get; }

    /// <summary>Elements of a row that share a scale: the group size, or the whole row (per-channel, per-tensor).</summary>
    public int GroupSize { get; }

    /// <summary>Scale groups per row (1 for per-channel; every group is within one channel for per-tensor too).</summary>
    public int GroupsPerRow => GroupSize == 0 ? 0 : (RowLength + GroupSize - 1) / GroupSize;

    public int RowBytes => BitPacking.RowBytes(RowLength, Bits);

    public byte[] Codes { get; }

    public float[] Scales { get; }

    /// <summary>Null when symmetric (Z = 0).</summary>
    public byte[]? ZeroPoints { get; }

    public override long SizeBytes => Codes.LongLength + 4L * Scales.Length + (ZeroPoints?.LongLength ?? 0);

    /// <summary>Index into <see cref="Scales"/> / <see cref="ZeroPoints"/> of element i of channel c's row.</summary>
    public int ParamIndex(int channel, int index) =>
        Granularity.Kind == GranularityKind.PerTensor ? 0 : channel * GroupsPerRow + index / GroupSize;

    public QuantParams Params(int channel, int index)
    {
        int p = ParamIndex(channel, index);
        return new QuantParams(Scales[p], ZeroPoints?[p] ?? 0, Bits, Symmetric);
    }

    /// <summary>The integer code of element i of channel c's row.</summary>
    public int Code(int channel, int index)
    {
        var row = Codes.AsSpan(channel * RowBytes, RowBytes);
        return Symmetric ? BitPacking.GetSigned(row, index, Bits) : BitPacking.GetUnsigned(row, index, Bits);
    }

    public override void DequantizeRows(Span<float> rows)
    {
        int len = RowLength;
        for (int c = 0; c < Channels; c++)
        {
            var dst = rows.Slice(c * len, len);
            for (int start = 0; start < len; start += GroupSize)
            {
                var p = Params(c, start);
                int end = Math.Min(len, start + GroupSize);
                for (int i = start; i < end; i++) dst[i] = p.Dequantize(Code(c, i));
            }
        }
    }
}
