using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// Builds an output where each axis reads the input through its own index map (output index to input
/// index, or -1 for the fill value). Pad (every mode, crops included) and nearest Resize are this gather.
/// </summary>
internal struct AxisMapGather : IElementAction
{
    public Array Src, Dst, Fill;
    public int[] InShape, OutShape;
    public int[][] Maps;

    public void Invoke<T>()
    {
        var src = Elements.Span<T>(Src);
        var dst = Elements.Span<T>(Dst);
        T fill = Elements.Span<T>(Fill)[0];
        int rank = OutShape.Length;
        if (rank == 0) { dst[0] = src[0]; return; }
        var inStrides = TensorShape.Strides(InShape);
        int last = rank - 1, n = OutShape[last];
        var lastMap = Maps[last];
        // The run of output indices on the last axis that read consecutive inputs is copied as a block.
        int runStart = 0;
        while (runStart < n && lastMap[runStart] < 0) runStart++;
        int runEnd = runStart;
        while (runEnd < n && lastMap[runEnd] >= 0 && lastMap[runEnd] == lastMap[runStart] + (runEnd - runStart)) runEnd++;

        var idx = new int[rank];
        int rows = dst.Length / n;
        for (int r = 0, d = 0; r < rows; r++, d += n)
        {
            int srcRow = 0;
            bool constantRow = false;
            for (int k = 0; k < last; k++)
            {
                int m = Maps[k][idx[k]];
                if (m < 0) { constantRow = true; break; }
                srcRow += m * inStrides[k];
            }
            var row = dst.Slice(d, n);
            if (constantRow) row.Fill(fill);
            else
            {
                for (int j = 0; j < runStart; j++) row[j] = lastMap[j] < 0 ? fill : src[srcRow + lastMap[j]];
                if (runEnd > runStart) src.Slice(srcRow + lastMap[runStart], runEnd - runStart).CopyTo(row[runStart..runEnd]);
                for (int j = runEnd; j < n; j++) row[j] = lastMap[j] < 0 ? fill : src[srcRow + lastMap[j]];
            }
            for (int k = last - 1; k >= 0; k--)
            {
                if (++idx[k] < OutShape[k]) break;
                idx[k] = 0;
            }
        }
    }
}
