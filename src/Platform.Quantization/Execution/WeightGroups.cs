using Platform.Quantization.Formats;

namespace Platform.Quantization.Execution;

/// <summary>
/// Cuts a grouped convolution's stored weight into one weight per group (rows g·N/G .. (g+1)·N/G), so each group
/// packs on its own and the kernels never see another group's channels. Rows are channel-major in every format,
/// so a group is a contiguous run of rows (and of per-channel scales).
/// </summary>
internal static class WeightGroups
{
    public static QuantizedWeight[] Split(QuantizedWeight w, int groups)
    {
        if (groups == 1) return [w];
        int n = w.Channels / groups, k = w.RowLength;
        var result = new QuantizedWeight[groups];
        for (int g = 0; g < groups; g++) result[g] = Slice(w, g * n, n, k);
        return result;
    }

    private static QuantizedWeight Slice(QuantizedWeight w, int first, int count, int k) => w switch
    {
        AffineQuantizedWeight a => SliceAffine(a, first, count, k),
        BinaryQuantizedWeight b => new BinaryQuantizedWeight([count, k], 0,
            b.Signs.AsSpan(first * b.RowBytes, count * b.RowBytes).ToArray(), b.Alphas.AsSpan(first, count).ToArray()),
        PqQuantizedWeight p => new PqQuantizedWeight([count, k], 0, p.K, p.D, p.Codebook,
            p.Codes.AsSpan(first * p.SubvectorsPerRow * p.CodeBytes, count * p.SubvectorsPerRow * p.CodeBytes).ToArray(), p.Iterations, p.Inertia),
        FloatQuantizedWeight f => SliceFloat(f, first, count, k),
        _ => throw new NotSupportedException($"{w.Format.Name} weights cannot be split into convolution groups."),
    };

    private static AffineQuantizedWeight SliceAffine(AffineQuantizedWeight a, int first, int count, int k)
    {
        var codes = a.Codes.AsSpan(first * a.RowBytes, count * a.RowBytes).ToArray();
        bool perTensor = a.Granularity.Kind == Specs.GranularityKind.PerTensor;
        int per = perTensor ? 0 : a.GroupsPerRow;
        var scales = perTensor ? a.Scales : a.Scales.AsSpan(first * per, count * per).ToArray();
        var zeros = a.ZeroPoints is null ? null : perTensor ? a.ZeroPoints : a.ZeroPoints.AsSpan(first * per, count * per).ToArray();
        return new AffineQuantizedWeight(a.Format, [count, k], 0, a.Granularity, a.Symmetric, a.GroupSize, codes, scales, zeros);
    }

    private static FloatQuantizedWeight SliceFloat(FloatQuantizedWeight f, int first, int count, int k)
    {
        // Conv weights are [M, C/G, kh, kw] with the output axis first, so a group's rows are contiguous as stored.
        if (f.Axis != 0) throw new NotSupportedException($"A {f.Format.Name} weight with output axis {f.Axis} cannot be split into groups.");
        var data = Array.CreateInstance(f.Data.GetType().GetElementType()!, count * k);
        Array.Copy(f.Data, first * k, data, 0, count * k);
        return new FloatQuantizedWeight(f.Format, [count, k], 0, data);
    }
}
