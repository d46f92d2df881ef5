namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// The one loop most shape operators reduce to: for every index of <c>dims</c>, copy a block of
/// <c>inner</c> contiguous elements from a strided source offset to a strided destination offset.
/// Strides may be zero (broadcast, Expand) or negative (Slice with negative steps).
/// </summary>
internal static class StridedCopy
{
    public static void Run<T>(ReadOnlySpan<T> src, int srcStart, ReadOnlySpan<int> srcStrides,
        Span<T> dst, int dstStart, ReadOnlySpan<int> dstStrides, ReadOnlySpan<int> dims, int inner)
    {
        int rank = dims.Length;
        if (inner == 0) return;
        foreach (var d in dims) if (d == 0) return;
        if (rank == 0)
        {
            src.Slice(srcStart, inner).CopyTo(dst.Slice(dstStart, inner));
            return;
        }
        int last = rank - 1;
        int n = dims[last], ss = srcStrides[last], ds = dstStrides[last];
        Span<int> idx = rank <= 16 ? stackalloc int[rank] : new int[rank];
        idx.Clear();
        int sOff = srcStart, dOff = dstStart;
        while (true)
        {
            if (inner == 1)
            {
                int s = sOff, d = dOff;
                for (int j = 0; j < n; j++, s += ss, d += ds) dst[d] = src[s];
            }
            else if (ss == inner && ds == inner)
            {
                src.Slice(sOff, n * inner).CopyTo(dst.Slice(dOff, n * inner));
            }
            else
            {
                int s = sOff, d = dOff;
                for (int j = 0; j < n; j++, s += ss, d += ds) src.Slice(s, inner).CopyTo(dst.Slice(d, inner));
            }
            int k = last - 1;
            for (; k >= 0; k--)
            {
                idx[k]++; sOff += srcStrides[k]; dOff += dstStrides[k];
                if (idx[k] < dims[k]) break;
                sOff -= srcStrides[k] * dims[k]; dOff -= dstStrides[k] * dims[k]; idx[k] = 0;
            }
            if (k < 0) return;
        }
    }
}
