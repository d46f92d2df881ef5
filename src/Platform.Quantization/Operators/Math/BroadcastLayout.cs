using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>
/// Numpy multidirectional broadcasting of several inputs onto one output, reduced to as few dims
/// as possible: output dims of size 1 are dropped and neighbouring dims are merged wherever every
/// input walks them contiguously (or not at all). A bias [C] on [N,C] thus becomes two dims with
/// an inner contiguous run of C, and [1,C,1,1] on [N,C,H,W] ends in a run of H*W against one value.
/// </summary>
internal sealed class BroadcastLayout
{
    public int[] OutputShape { get; }
    public int Length { get; }
    /// <summary>Collapsed dims (rank 0 when the output has one element or none).</summary>
    public int[] Dims { get; }
    /// <summary>Per input, its element stride along each collapsed dim (0 where it is broadcast).</summary>
    public int[][] Strides { get; }

    public BroadcastLayout(params int[][] shapes)
    {
        int rank = 0;
        foreach (var s in shapes) rank = System.Math.Max(rank, s.Length);
        var outShape = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int size = 1;
            foreach (var s in shapes)
            {
                int k = d - (rank - s.Length);
                if (k < 0) continue;
                int v = s[k];
                if (v == size || v == 1) continue;
                if (size == 1) size = v;
                else throw new ShapeMismatchException($"Shapes {string.Join(" and ", shapes.Select(x => TensorShape.Format(x)))} do not broadcast (dim {d}: {size} vs {v}).");
            }
            outShape[d] = size;
        }
        OutputShape = outShape;
        Length = (int)TensorShape.ElementCount(outShape);

        var dims = new List<int>(rank);
        var strides = new List<int>[shapes.Length];
        for (int i = 0; i < shapes.Length; i++) strides[i] = new List<int>(rank);
        var inStrides = shapes.Select(s => TensorShape.Strides(s)).ToArray();
        for (int d = 0; d < rank; d++)
        {
            if (outShape[d] == 1) continue;
            bool merge = dims.Count > 0;
            var cur = new int[shapes.Length];
            for (int i = 0; i < shapes.Length; i++)
            {
                int k = d - (rank - shapes[i].Length);
                cur[i] = k < 0 || shapes[i][k] == 1 ? 0 : inStrides[i][k];
                if (merge && strides[i][^1] != cur[i] * outShape[d]) merge = false;
            }
            if (merge)
            {
                dims[^1] *= outShape[d];
                for (int i = 0; i < shapes.Length; i++) strides[i][^1] = cur[i];
            }
            else
            {
                dims.Add(outShape[d]);
                for (int i = 0; i < shapes.Length; i++) strides[i].Add(cur[i]);
            }
        }
        Dims = [.. dims];
        Strides = strides.Select(s => s.ToArray()).ToArray();
    }

    /// <summary>Length of the innermost run (the whole output when it collapses to rank 0).</summary>
    public int InnerLength => Dims.Length == 0 ? Length : Dims[^1];

    public int InnerStride(int input) => Dims.Length == 0 ? 0 : Strides[input][^1];

    /// <summary>
    /// Calls <paramref name="run"/> for each maximal inner run inside output range [start, end):
    /// (output offset, per-input offsets, run length). Offsets are per input in <paramref name="offsets"/>.
    /// </summary>
    public void ForEachRun(int start, int end, Span<int> offsets, RunAction run)
    {
        int rank = Dims.Length;
        int n = Strides.Length;
        if (rank == 0)
        {
            offsets.Clear();
            if (end > start) run(start, offsets, end - start);
            return;
        }
        Span<int> index = stackalloc int[rank];
        int rem = start;
        offsets.Clear();
        for (int d = rank - 1; d >= 0; d--)
        {
            index[d] = rem % Dims[d];
            rem /= Dims[d];
            for (int i = 0; i < n; i++) offsets[i] += index[d] * Strides[i][d];
        }
        int pos = start;
        int inner = Dims[rank - 1];
        while (pos < end)
        {
            int len = System.Math.Min(inner - index[rank - 1], end - pos);
            run(pos, offsets, len);
            pos += len;
            index[rank - 1] += len;
            for (int i = 0; i < n; i++) offsets[i] += len * Strides[i][rank - 1];
            for (int d = rank - 1; d > 0 && index[d] == Dims[d]; d--)
            {
                index[d] = 0;
                index[d - 1]++;
                for (int i = 0; i < n; i++) offsets[i] += Strides[i][d - 1] - Dims[d] * Strides[i][d];
            }
        }
    }

    public delegate void RunAction(int outOffset, ReadOnlySpan<int> inOffsets, int length);
}
