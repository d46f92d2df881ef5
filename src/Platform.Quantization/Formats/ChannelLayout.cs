using Platform.Quantization.Tensors;

namespace Platform.Quantization.Formats;

/// <summary>
/// Views a tensor as [outer, channels, inner] around the output-channel axis, and moves it to and from
/// channel-major rows (channel c's row holds its elements ordered by (outer, inner)).
/// </summary>
internal readonly struct ChannelLayout
{
    public ChannelLayout(int[] shape, int axis)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ElementCount = (int)TensorShape.ElementCount(shape);
        if (shape.Length == 0)
        {
            Outer = 1; Channels = 1; Inner = 1;
            return;
        }
        if (axis < 0 || axis >= shape.Length)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Output-channel axis {axis} is out of range for weight shape {TensorShape.Format(shape)}.");
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        Outer = outer; Channels = shape[axis]; Inner = inner;
    }

    public int Outer { get; }
    public int Channels { get; }
    public int Inner { get; }
    public int ElementCount { get; }
    public int RowLength => Outer * Inner;

    /// <summary>Row c holds channel c's elements; a copy even when the layout already is channel-major.</summary>
    public float[] GatherRows(ReadOnlySpan<float> w)
    {
        if (w.Length != ElementCount)
            throw new ArgumentException($"The weight holds {w.Length} elements but its shape needs {ElementCount}.");
        var rows = new float[ElementCount];
        if (Outer == 1) { w.CopyTo(rows); return rows; }
        int c = Channels, inner = Inner, len = RowLength;
        for (int o = 0; o < Outer; o++)
            for (int ch = 0; ch < c; ch++)
                w.Slice((o * c + ch) * inner, inner).CopyTo(rows.AsSpan(ch * len + o * inner, inner));
        return rows;
    }

    public float[] ScatterRows(ReadOnlySpan<float> rows)
    {
        var w = new float[ElementCount];
        if (Outer == 1) { rows.CopyTo(w); return w; }
        int c = Channels, inner = Inner, len = RowLength;
        for (int o = 0; o < Outer; o++)
            for (int ch = 0; ch < c; ch++)
                rows.Slice(ch * len + o * inner, inner).CopyTo(w.AsSpan((o * c + ch) * inner, inner));
        return w;
    }
}
