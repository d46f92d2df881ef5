using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// Axis permutation of a dense tensor (the core of Transpose, DepthToSpace and SpaceToDepth).
/// The permutation is first simplified: size-1 axes are dropped and input axes that stay adjacent
/// and in order are merged, so most real permutations become block copies or a batched 2-D transpose.
/// </summary>
internal static class Permutation
{
    // 32x32 tiles keep both the read and the write side within a few KB of L1 for every element width.
    private const int Tile = 32;

    public static Tensor Apply(Tensor x, ReadOnlySpan<int> perm)
    {
        int rank = x.Rank;
        if (perm.Length != rank)
            throw new ShapeMismatchException($"Transpose: perm [{string.Join(',', perm.ToArray())}] has {perm.Length} entries but the input is {TensorShape.Format(x.Shape)}.");
        var seen = new bool[rank];
        foreach (var p in perm)
        {
            if (p < 0 || p >= rank || seen[p])
                throw new ArgumentException($"Transpose: perm [{string.Join(',', perm.ToArray())}] is not a permutation of 0..{rank - 1}.");
            seen[p] = true;
        }
        var outShape = new int[rank];
        for (int i = 0; i < rank; i++) outShape[i] = x.Shape[perm[i]];

        Simplify(x.Shape, perm, out var shape, out var mperm);
        bool identity = true;
        for (int i = 0; i < mperm.Length; i++) identity &= mperm[i] == i;
        if (identity) return new Tensor(x.Type, outShape, x.Data);

        var dst = Elements.Allocate(x.Type, x.Length);
        var action = new PermuteAction { Src = x.Data, Dst = dst, Shape = shape, Perm = mperm };
        Elements.Dispatch(x.Type, ref action);
        return new Tensor(x.Type, outShape, dst);
    }

    /// <summary>Drops size-1 axes and merges runs of input axes that stay consecutive in the output.</summary>
    internal static void Simplify(ReadOnlySpan<int> inShape, ReadOnlySpan<int> perm, out int[] shape, out int[] mergedPerm)
    {
        int rank = inShape.Length;
        // Renumber the input axes that are kept (size > 1).
        var newIndex = new int[rank];
        int kept = 0;
        for (int a = 0; a < rank; a++) newIndex[a] = inShape[a] == 1 ? -1 : kept++;
        var keptShape = new int[kept];
        for (int a = 0; a < rank; a++) if (newIndex[a] >= 0) keptShape[newIndex[a]] = inShape[a];
        var p = new List<int>(kept);
        foreach (var a in perm) if (newIndex[a] >= 0) p.Add(newIndex[a]);

        // Output-order groups of consecutive input axes.
        var groupStart = new List<int>();
        for (int i = 0; i < p.Count; i++)
            if (i == 0 || p[i] != p[i - 1] + 1) groupStart.Add(i);
        int g = groupStart.Count;
        var firstAxis = new int[g];
        var groupSize = new long[g];
        for (int k = 0; k < g; k++)
        {
            int end = k + 1 < g ? groupStart[k + 1] : p.Count;
            firstAxis[k] = p[groupStart[k]];
            long s = 1;
            for (int i = groupStart[k]; i < end; i++) s *= keptShape[p[i]];
            groupSize[k] = s;
        }
        // Merged input axes are the groups in input order; the merged perm lists them in output order.
        var byInput = Enumerable.Range(0, g).OrderBy(k => firstAxis[k]).ToArray();
        var rankOf = new int[g];
        for (int r = 0; r < g; r++) rankOf[byInput[r]] = r;
        shape = new int[g];
        mergedPerm = new int[g];
        for (int r = 0; r < g; r++) shape[r] = (int)groupSize[byInput[r]];
        for (int k = 0; k < g; k++) mergedPerm[k] = rankOf[k];
    }

    private struct PermuteAction : IElementAction
    {
        public Array Src, Dst;
        public int[] Shape, Perm;
        public void Invoke<T>() => Permute(Elements.Span<T>(Src), Elements.Span<T>(Dst), Shape, Perm);
    }

    /// <summary>dst = src with axes permuted: output axis i is input axis perm[i]. Shapes are already simplified.</summary>
    internal static void Permute<T>(ReadOnlySpan<T> src, Span<T> dst, int[] shape, int[] perm)
    {
        int rank = shape.Length;
        if (src.Length == 0) return;
        var inStrides = TensorShape.Strides(shape);
        var outShape = new int[rank];
        for (int i = 0; i < rank; i++) outShape[i] = shape[perm[i]];
        var outStrides = TensorShape.Strides(outShape);

        if (perm[rank - 1] == rank - 1)
        {
            // The last axis stays innermost: whole rows move as blocks.
            var dims = outShape[..(rank - 1)];
            var sStr = new int[rank - 1];
            for (int i = 0; i < rank - 1; i++) sStr[i] = inStrides[perm[i]];
            StridedCopy.Run(src, 0, sStr, dst, 0, outStrides[..(rank - 1)], dims, shape[rank - 1]);
            return;
        }

        // Tile the output's last axis (input axis pb, strided in the input) against the output axis q
        // that holds the input's last axis (contiguous in the input).
        int q = Array.IndexOf(perm, rank - 1);
        int pb = perm[rank - 1];
        int na = shape[rank - 1], nb = outShape[rank - 1];
        int srcStrideB = inStrides[pb], dstStrideA = outStrides[q];
        var oDims = new List<int>(); var oS = new List<int>(); var oD = new List<int>();
        for (int i = 0; i < rank - 1; i++)
        {
            if (i == q) continue;
            oDims.Add(outShape[i]); oS.Add(inStrides[perm[i]]); oD.Add(outStrides[i]);
        }
        int outerRank = oDims.Count;
        var idx = new int[outerRank];
        int sOff = 0, dOff = 0;
        while (true)
        {
            Transpose2D(src, sOff, srcStrideB, dst, dOff, dstStrideA, na, nb);
            int k = outerRank - 1;
            for (; k >= 0; k--)
            {
                idx[k]++; sOff += oS[k]; dOff += oD[k];
                if (idx[k] < oDims[k]) break;
                sOff -= oS[k] * oDims[k]; dOff -= oD[k] * oDims[k]; idx[k] = 0;
            }
            if (k < 0) break;
        }
    }

    /// <summary>dst[dOff + a*dstStrideA + b] = src[sOff + b*srcStrideB + a] for a &lt; na, b &lt; nb, in cache tiles.</summary>
    internal static void Transpose2D<T>(ReadOnlySpan<T> src, int sOff, int srcStrideB, Span<T> dst, int dOff, int dstStrideA, int na, int nb)
    {
        for (int a0 = 0; a0 < na; a0 += Tile)
        {
            int a1 = Math.Min(a0 + Tile, na);
            for (int b0 = 0; b0 < nb; b0 += Tile)
            {
                int b1 = Math.Min(b0 + Tile, nb);
                for (int a = a0; a < a1; a++)
                {
                    var row = dst.Slice(dOff + a * dstStrideA, nb);
                    int s = sOff + a;
                    for (int b = b0; b < b1; b++) row[b] = src[s + b * srcStrideB];
                }
            }
        }
    }
}
