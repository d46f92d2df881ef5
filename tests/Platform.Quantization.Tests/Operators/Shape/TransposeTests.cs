using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;
using static Platform.Quantization.Tests.Operators.Shape.Op;

namespace Platform.Quantization.Tests.Operators.Shape;

public class TransposeTests
{
    [Fact]
    public void Default_perm_reverses_the_axes()
    {
        Equal(Run("Transpose", 13, null, Iota(6, 2, 3)), [3, 2], [0, 3, 1, 4, 2, 5]);
        var y = Run("Transpose", 13, null, Iota(24, 2, 3, 4));
        Assert.Equal([4, 3, 2], y.Shape);
        // y[i,j,k] = x[k,j,i]: y[1,2,1] = x[1,2,1] = 12 + 8 + 1.
        Assert.Equal(21f, y.Floats[1 * 6 + 2 * 2 + 1]);
    }

    [Fact]
    public void Every_path_matches_the_index_formula_for_every_width()
    {
        var rng = new Random(7);
        int[][] shapes = [[37, 41], [1, 5, 1, 3], [2, 3, 4, 5], [3, 1, 70, 33], [2, 2, 3, 2, 3], [64, 65], [5, 0, 3]];
        foreach (var shape in shapes)
        {
            foreach (var perm in Permutations(shape.Length))
            {
                int n = (int)TensorShape.ElementCount(shape);
                var floats = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
                Check(Tensor.FromArray(floats, shape), perm);
                Check(Tensor.FromArray(floats.Select(f => (long)f * 1_000_000_007L).ToArray(), shape), perm);
                Check(Tensor.FromArray(floats.Select(f => (byte)f).ToArray(), shape), perm);
                Check(Tensor.FromArray(floats.Select(f => (Half)(f % 2048)).ToArray(), shape), perm);
                if (rng.Next(4) == 0) Check(Tensor.FromArray(floats.Select(f => f.ToString()).ToArray(), shape), perm);
            }
        }
    }

    private static void Check(Tensor x, int[] perm)
    {
        var y = Run("Transpose", 13, Attrs(NodeAttribute.Of("perm", perm.Select(p => (long)p).ToArray())), x);
        int rank = perm.Length;
        var outShape = perm.Select(p => x.Shape[p]).ToArray();
        Assert.Equal(outShape, y.Shape);
        var inStrides = TensorShape.Strides(x.Shape);
        var idx = new int[rank];
        for (int o = 0; o < y.Length; o++)
        {
            int rem = o, src = 0;
            for (int k = rank - 1; k >= 0; k--)
            {
                idx[k] = rem % outShape[k];
                rem /= outShape[k];
            }
            for (int k = 0; k < rank; k++) src += idx[k] * inStrides[perm[k]];
            Assert.Equal(x.Data.GetValue(src), y.Data.GetValue(o));
        }
    }

    private static IEnumerable<int[]> Permutations(int n)
    {
        if (n == 0) { yield return []; yield break; }
        foreach (var p in Permutations(n - 1))
            for (int i = 0; i <= p.Length; i++)
            {
                var r = new List<int>(p);
                r.Insert(i, n - 1);
                yield return [.. r];
            }
    }
}
