using Platform.Quantization.Specs;

namespace Platform.Quantization.Formats;

/// <summary>Uniform affine weight quantization (int8, int4, int2) per tensor, per channel or per group.</summary>
public static class AffineQuantizer
{
    /// <param name="weight">fp32 weights, row-major in <paramref name="shape"/>.</param>
    /// <param name="axis">Output-channel axis (0 for Conv [O,I,kh,kw]; for a MatMul [K,N] weight, 1).</param>
    /// <param name="bits">8, 4 or 2.</param>
    public static AffineQuantizedWeight Quantize(ReadOnlySpan<float> weight, int[] shape, int axis, int bits, bool symmetric, Granularity granularity)
    {
        ArgumentNullException.ThrowIfNull(granularity);
        var format = bits switch
        {
            8 => WeightFormat.Int8,
            4 => WeightFormat.Int4,
            2 => WeightFormat.Int2,
            _ => throw new ArgumentOutOfRangeException(nameof(bits), bits, "Affine weight formats are int8, int4 and int2."),
        };
        var layout = new ChannelLayout(shape, axis);
        var rows = layout.GatherRows(weight);
        int channels = layout.Channels, len = layout.RowLength;
        int group = granularity.Kind == GranularityKind.PerGroup ? Math.Min(granularity.GroupSize, Math.Max(len, 1)) : Math.Max(len, 1);
        int groupsPerRow = (len + group - 1) / group;
        int rowBytes = BitPacking.RowBytes(len, bits);
        var codes = new byte[(long)rowBytes * channels];

        int paramCount = granularity.Kind == GranularityKind.PerTensor ? 1 : channels * groupsPerRow;
        var scales = new float[paramCount];
        var zeros = symmetric ? null : new byte[paramCount];
        var ps = new QuantParams[paramCount];
        if (granularity.Kind == GranularityKind.PerTensor)
        {
            ps[0] = Params(rows, bits, symmetric);
        }
        else
        {
            for (int c = 0; c < channels; c++)
                for (int gI = 0; gI < groupsPerRow; gI++)
                {
                    int start = c * len + gI * group;
                    ps[c * groupsPerRow + gI] = Params(rows.AsSpan(start, Math.Min(group, len - gI * group)), bits, symmetric);
                }
        }
        for (int p = 0; p < paramCount; p++)
        {
            scales[p] = ps[p].Scale;
            if (zeros is not null) zeros[p] = (byte)ps[p].ZeroPoint;
        }

        for (int c = 0; c < channels; c++)
        {
            var dst = codes.AsSpan(c * rowBytes, rowBytes);
            var src = rows.AsSpan(c * len, len);
            for (int i = 0; i < len; i++)
            {
                var p = ps[granularity.Kind == GranularityKind.PerTensor ? 0 : c * groupsPerRow + i / group];
                BitPacking.Set(dst, i, bits, p.Quantize(src[i]));
            }
        }
        return new AffineQuantizedWeight(format, (int[])shape.Clone(), axis, granularity, symmetric, group, codes, scales, zeros);
    }

    private static QuantParams Params(ReadOnlySpan<float> values, int bits, bool symmetric)
    {
        var (mn, mx) = FakeQuant.Range(values);
        return QuantParams.FromRange(mn, mx, bits, symmetric);
    }
}
