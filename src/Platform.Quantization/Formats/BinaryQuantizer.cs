namespace Platform.Quantization.Formats;

/// <summary>
/// Binarization as in BinaryConnect (weights only) and XNOR-Net (weights and activations): values become
/// sign(x) ∈ {−1, +1} (sign(0) = +1) times a scale, the mean |x| of the row, which minimises the L2 error
/// of a one-scale binary approximation (XNOR-Net, section 3.1).
/// </summary>
public static class BinaryQuantizer
{
    /// <param name="axis">Output-channel axis; α is computed per output channel.</param>
    public static BinaryQuantizedWeight Quantize(ReadOnlySpan<float> weight, int[] shape, int axis)
    {
        var layout = new ChannelLayout(shape, axis);
        var rows = layout.GatherRows(weight);
        int len = layout.RowLength, rowBytes = BitPacking.RowBytes(len, 1);
        var signs = new byte[(long)rowBytes * layout.Channels];
        var alphas = new float[layout.Channels];
        for (int c = 0; c < layout.Channels; c++)
        {
            var src = rows.AsSpan(c * len, len);
            var dst = signs.AsSpan(c * rowBytes, rowBytes);
            double sum = 0;
            for (int i = 0; i < len; i++)
            {
                sum += MathF.Abs(src[i]);
                if (src[i] >= 0) BitPacking.Set(dst, i, 1, 1);
            }
            alphas[c] = len == 0 ? 0f : (float)(sum / len);
        }
        return new BinaryQuantizedWeight((int[])shape.Clone(), axis, signs, alphas);
    }

    /// <summary>
    /// XNOR-Net activation binarization, fp32 emulation: each row of <paramref name="rowLength"/> elements
    /// (one sample-row of the layer input) becomes β·sign(x) with β = mean|x| over the row.
    /// </summary>
    /// <returns>Nothing; <paramref name="y"/> may alias <paramref name="x"/>.</returns>
    public static void BinarizeActivationRows(ReadOnlySpan<float> x, int rowLength, Span<float> y)
    {
        if (rowLength <= 0) throw new ArgumentOutOfRangeException(nameof(rowLength), rowLength, "A row needs at least one element.");
        if (x.Length % rowLength != 0)
            throw new ArgumentException($"The activation holds {x.Length} elements, not a whole number of rows of {rowLength}.", nameof(x));
        if (y.Length < x.Length) throw new ArgumentException($"The output holds {y.Length} elements but the input has {x.Length}.", nameof(y));
        for (int r = 0; r < x.Length; r += rowLength)
        {
            var src = x.Slice(r, rowLength);
            var dst = y.Slice(r, rowLength);
            double sum = 0;
            foreach (var v in src) sum += MathF.Abs(v);
            float beta = (float)(sum / rowLength);
            for (int i = 0; i < rowLength; i++) dst[i] = src[i] >= 0 ? beta : -beta;
        }
    }
}
