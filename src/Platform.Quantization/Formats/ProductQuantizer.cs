using Platform.Quantization.Tensors;

namespace Platform.Quantization.Formats;

/// <summary>Product quantization of a layer's weights with one k-means codebook per layer.</summary>
public static class ProductQuantizer
{
    public const int DefaultIterations = 20;

    /// <summary>
    /// The sub-vector length used when the spec leaves d open: kh·kw for a Conv with a spatial kernel (a
    /// 3×3 kernel is one 9-vector, as in the paper), otherwise 4 (the paper's block size for 1×1 convs and
    /// fully-connected layers) or the largest of 3, 2, 1 that divides the row.
    /// </summary>
    public static int DefaultSubvectorLength(int[] shape, int axis)
    {
        var layout = new ChannelLayout(shape, axis);
        int len = layout.RowLength;
        if (shape.Length >= 3 && axis == 0)
        {
            int spatial = 1;
            for (int i = 2; i < shape.Length; i++) spatial *= shape[i];
            if (spatial > 1 && len % spatial == 0) return spatial;
        }
        foreach (int d in (ReadOnlySpan<int>)[4, 3, 2])
            if (len % d == 0) return d;
        return 1;
    }

    /// <param name="d">Sub-vector length; null picks <see cref="DefaultSubvectorLength"/>. Must divide the row length.</param>
    public static PqQuantizedWeight Quantize(ReadOnlySpan<float> weight, int[] shape, int axis, int k = 256, int? d = null,
        int iterations = DefaultIterations, int seed = 0)
    {
        if (k < 1 || k > 65536) throw new ArgumentOutOfRangeException(nameof(k), k, "Product quantization needs 1 <= k <= 65536.");
        var layout = new ChannelLayout(shape, axis);
        int sub = d ?? DefaultSubvectorLength(shape, axis);
        if (sub < 1) throw new ArgumentOutOfRangeException(nameof(d), d, "The sub-vector length d must be at least 1.");
        if (layout.RowLength % sub != 0)
            throw new ArgumentException($"PQ sub-vector length d={sub} does not divide the row length {layout.RowLength} of weight {TensorShape.Format(shape)} (axis {axis}).", nameof(d));
        var rows = layout.GatherRows(weight);
        var km = KMeans.Fit(rows, sub, k, iterations, seed);
        int codeBytes = km.K <= 256 ? 1 : 2;
        var codes = new byte[(long)km.Assignments.Length * codeBytes];
        for (int s = 0; s < km.Assignments.Length; s++)
        {
            int a = km.Assignments[s];
            if (codeBytes == 1) codes[s] = (byte)a;
            else { codes[2 * s] = (byte)a; codes[2 * s + 1] = (byte)(a >> 8); }
        }
        return new PqQuantizedWeight((int[])shape.Clone(), axis, Math.Max(km.K, 1), sub, km.Centroids, codes, km.Iterations, km.Inertia);
    }
}
