using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;
using static Platform.Quantization.Tests.Operators.Shape.Op;

namespace Platform.Quantization.Tests.Operators.Shape;

public class GeneratorTests
{
    [Fact]
    public void Range_counts_with_ceil_for_both_signs()
    {
        Equal(Run("Range", 11, null, Tensor.Scalar(1f), Tensor.Scalar(5f), Tensor.Scalar(1.5f)), [3], [1, 2.5f, 4]);
        var ints = Run("Range", 11, null, Tensor.Scalar(10), Tensor.Scalar(3), Tensor.Scalar(-3));
        Assert.Equal(DataType.Int32, ints.Type);
        Assert.Equal(new[] { 10, 7, 4 }, ints.Int32s);
        Assert.Empty(Run("Range", 11, null, Tensor.Scalar(5L), Tensor.Scalar(1L), Tensor.Scalar(1L)).Int64s);
        Assert.Throws<ShapeMismatchException>(() => Run("Range", 11, null, Tensor.Scalar(0L), Tensor.Scalar(long.MaxValue), Tensor.Scalar(1L)));
    }

    [Fact]
    public void OneHot_negative_indices_out_of_range_and_axis()
    {
        var idx = Tensor.FromArray(new long[] { 0, -1, 5 }, 3);
        var values = F([0, 1], 2);
        Equal(Run("OneHot", 11, null, idx, Tensor.Scalar(3f), values), [3, 3], [1, 0, 0, 0, 0, 1, 0, 0, 0]);
        Equal(Run("OneHot", 11, Attrs(NodeAttribute.Of("axis", 0L)), idx, Tensor.Scalar(3L), values), [3, 3], [1, 0, 0, 0, 0, 0, 0, 1, 0]);
    }

    [Fact]
    public void NonZero_lists_coordinates_per_axis()
    {
        var y = Run("NonZero", 13, null, F([1, 0, 0, 3, 0, 5], 2, 3));
        Assert.Equal(DataType.Int64, y.Type);
        Assert.Equal([2, 3], y.Shape);
        Assert.Equal(new long[] { 0, 1, 1, 0, 0, 2 }, y.Int64s);
    }

    [Fact]
    public void Trilu_upper_and_lower_with_k()
    {
        var x = Iota(9, 3, 3);
        Equal(Run("Trilu", 14, null, x, Tensor.Scalar(1L)), [3, 3], [0, 1, 2, 0, 0, 5, 0, 0, 0]);
        Equal(Run("Trilu", 14, Attrs(NodeAttribute.Of("upper", 0L)), x, Tensor.Scalar(-1L)), [3, 3], [0, 0, 0, 3, 0, 0, 6, 7, 0]);
        Equal(Run("Trilu", 14, null, x), [3, 3], [0, 1, 2, 0, 4, 5, 0, 0, 8]);
    }

    [Fact]
    public void EyeLike_diagonal_k_and_dtype()
    {
        var y = Run("EyeLike", 9, Attrs(NodeAttribute.Of("k", 1L), NodeAttribute.Of("dtype", (long)DataType.Int64)), Tensor.Zeros(DataType.Float, 2, 3));
        Assert.Equal(DataType.Int64, y.Type);
        Assert.Equal(new long[] { 0, 1, 0, 0, 0, 1 }, y.Int64s);
    }

    [Fact]
    public void ConstantOfShape_fills_the_value_type_and_rejects_absurd_shapes()
    {
        var y = Run("ConstantOfShape", 9, Attrs(NodeAttribute.Of("value", Tensor.FromArray(new[] { 7 }, 1))), L(2, 3));
        Assert.Equal(DataType.Int32, y.Type);
        Assert.Equal(Enumerable.Repeat(7, 6), y.Int32s);
        var z = Run("ConstantOfShape", 9, null, L(2));
        Assert.Equal(DataType.Float, z.Type);
        Assert.Equal(new float[] { 0, 0 }, z.Floats);
        Assert.Empty(Run("ConstantOfShape", 9, null, Tensor.FromArray(Array.Empty<long>(), 0)).Shape);
        var e = Assert.Throws<ShapeMismatchException>(() => Run("ConstantOfShape", 9, null, L(1_000_000, 1_000_000)));
        Assert.Contains("[1000000,1000000]", e.Message);
    }

    [Fact]
    public void Constant_forms()
    {
        var f = Run("Constant", 13, Attrs(NodeAttribute.Of("value_float", 2.5f)));
        Assert.Empty(f.Shape);
        Assert.Equal(2.5f, f.Floats[0]);
        var ints = Run("Constant", 13, Attrs(NodeAttribute.Of("value_ints", new long[] { 3, 4 })));
        Assert.Equal(DataType.Int64, ints.Type);
        Assert.Equal([2], ints.Shape);
        var i = Run("Constant", 13, Attrs(NodeAttribute.Of("value_int", 9L)));
        Assert.Equal(DataType.Int64, i.Type);
        Assert.Empty(i.Shape);
        Assert.Equal("hi", Run("Constant", 13, Attrs(NodeAttribute.Of("value_string", "hi"))).As<string>()[0]);
    }

    [Fact]
    public void Expand_and_tile()
    {
        Equal(Run("Expand", 13, null, F([1, 2, 3], 3, 1), L(2, 1, 2)), [2, 3, 2], [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]);
        Equal(Run("Tile", 13, null, F([1, 2, 3, 4], 2, 2), L(1, 2)), [2, 4], [1, 2, 1, 2, 3, 4, 3, 4]);
        Equal(Run("Tile", 13, null, F([1, 2], 1, 2), L(2, 0)), [2, 0], []);
        Assert.Throws<ShapeMismatchException>(() => Run("Expand", 13, null, F([1, 2, 3], 3), L(2)));
        Assert.Throws<ShapeMismatchException>(() => Run("Expand", 13, null, F([1, 2, 3], 3), L(100_000, 100_000, 1)));
        Assert.Throws<ShapeMismatchException>(() => Run("Tile", 13, null, F([1, 2, 3], 3), L(1_000_000_000)));
    }

    [Fact]
    public void DepthToSpace_dcr_and_crd_and_space_to_depth_inverts_dcr()
    {
        var x = Iota(8, 1, 8, 1, 1);
        var dcr = Run("DepthToSpace", 13, Attrs(NodeAttribute.Of("blocksize", 2L)), x);
        Equal(dcr, [1, 2, 2, 2], [0, 2, 4, 6, 1, 3, 5, 7]);
        var crd = Run("DepthToSpace", 13, Attrs(NodeAttribute.Of("blocksize", 2L), NodeAttribute.Of("mode", "CRD")), x);
        Equal(crd, [1, 2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]);
        Equal(Run("SpaceToDepth", 13, Attrs(NodeAttribute.Of("blocksize", 2L)), dcr), [1, 8, 1, 1], x.Floats);
    }

    [Fact]
    public void Dropout_at_inference_passes_through_with_an_all_true_mask()
    {
        var x = F([1, 2, 3], 3);
        var r = RunAll("Dropout", 13, null, 2, x, Tensor.Scalar(0.5f), Tensor.Scalar(false));
        Assert.Same(x, r[0]);
        Assert.Equal(new[] { true, true, true }, r[1].As<bool>());
        var old = RunAll("Dropout", 9, Attrs(NodeAttribute.Of("ratio", 0.3f)), 2, x);
        Assert.Equal(DataType.Float, old[1].Type);
        Assert.Equal(new float[] { 1, 1, 1 }, old[1].Floats);
    }

    [Fact]
    public void Dropout_training_mode_draws_numpys_legacy_mt19937_stream()
    {
        // numpy: np.random.seed(0); np.random.uniform(0, 1, 5) = [0.5488, 0.7152, 0.6028, 0.5449, 0.4237]
        var r = RunAll("Dropout", 13, Attrs(NodeAttribute.Of("seed", 0L)), 2, F([1, 1, 1, 1, 1], 5), Tensor.Scalar(0.5f), Tensor.Scalar(true));
        Assert.Equal(new float[] { 2, 2, 2, 2, 0 }, r[0].Floats);
        Assert.Equal(new[] { true, true, true, true, false }, r[1].As<bool>());
        Assert.Equal(0.5488135039273248, new Platform.Quantization.Operators.Shape.MersenneTwister(0).NextDouble(), 15);
    }
}
