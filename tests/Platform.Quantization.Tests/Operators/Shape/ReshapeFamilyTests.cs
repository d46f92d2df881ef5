using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;
using static Platform.Quantization.Tests.Operators.Shape.Op;

namespace Platform.Quantization.Tests.Operators.Shape;

public class ReshapeFamilyTests
{
    [Fact]
    public void Reshape_zero_copies_the_input_dim_and_minus_one_is_inferred()
    {
        var y = Run("Reshape", 13, null, Iota(24, 2, 3, 4), L(0, -1, 2));
        Equal(y, [2, 6, 2], Enumerable.Range(0, 24).Select(i => (float)i).ToArray());
    }

    [Fact]
    public void Reshape_allowzero_makes_zero_a_real_dim_from_opset_14_only()
    {
        var empty = Tensor.Zeros(DataType.Float, 0, 3, 4);
        var y = Run("Reshape", 14, Attrs(NodeAttribute.Of("allowzero", 1L)), empty, L(3, 4, 0));
        Assert.Equal([3, 4, 0], y.Shape);
        // Before 14 the attribute does not exist: 0 copies dim 2 of the input (4), giving [3,4,4] ≠ 0 elements.
        Assert.Throws<ShapeMismatchException>(() => Run("Reshape", 13, Attrs(NodeAttribute.Of("allowzero", 1L)), empty, L(3, 4, 0)));
        // allowzero=0 at opset 14: 0 copies the input's dim 0, which is 0.
        Assert.Equal([0, 12], Run("Reshape", 14, null, empty, L(0, 12)).Shape);
    }

    [Fact]
    public void Reshape_allowzero_rejects_zero_with_minus_one()
    {
        var empty = Tensor.Zeros(DataType.Float, 0, 3);
        Assert.Throws<ShapeMismatchException>(() => Run("Reshape", 14, Attrs(NodeAttribute.Of("allowzero", 1L)), empty, L(0, -1)));
    }

    [Fact]
    public void Reshape_to_an_impossible_shape_names_both_shapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Run("Reshape", 13, null, Iota(24, 2, 3, 4), L(5, -1)));
        Assert.Contains("[2,3,4]", e.Message);
        Assert.Contains("[5,-1]", e.Message);
        var huge = Assert.Throws<ShapeMismatchException>(() => Run("Reshape", 13, null, Iota(24, 2, 3, 4), L(1_000_000, 1_000_000, 1_000_000)));
        Assert.Contains("[2,3,4]", huge.Message);
    }

    [Fact]
    public void Flatten_splits_at_axis_including_negative_and_rank()
    {
        var x = Iota(24, 2, 3, 4);
        Assert.Equal([6, 4], Run("Flatten", 13, Attrs(NodeAttribute.Of("axis", -1L)), x).Shape);
        Assert.Equal([1, 24], Run("Flatten", 13, Attrs(NodeAttribute.Of("axis", 0L)), x).Shape);
        Assert.Equal([24, 1], Run("Flatten", 13, Attrs(NodeAttribute.Of("axis", 3L)), x).Shape);
        Assert.Equal([2, 12], Run("Flatten", 13, null, x).Shape);
    }

    [Fact]
    public void Squeeze_takes_axes_from_the_attribute_before_13_and_the_input_from_13()
    {
        var x = Iota(6, 1, 2, 1, 3);
        Assert.Equal([2, 1, 3], Run("Squeeze", 11, Attrs(NodeAttribute.Of("axes", new long[] { 0 })), x).Shape);
        Assert.Equal([1, 2, 3], Run("Squeeze", 13, null, x, L(-2)).Shape);
        Assert.Equal([2, 3], Run("Squeeze", 13, null, x).Shape);
        Assert.Throws<ShapeMismatchException>(() => Run("Squeeze", 13, null, x, L(1)));
    }

    [Fact]
    public void Unsqueeze_axes_index_the_output_and_may_be_negative_and_unsorted()
    {
        var x = Iota(6, 2, 3);
        Assert.Equal([1, 2, 3], Run("Unsqueeze", 11, Attrs(NodeAttribute.Of("axes", new long[] { 0 })), x).Shape);
        Assert.Equal([2, 1, 3, 1], Run("Unsqueeze", 13, null, x, L(3, 1)).Shape);
        Assert.Equal([2, 3, 1], Run("Unsqueeze", 13, null, x, L(-1)).Shape);
        Assert.Equal([1, 2, 3, 1], Run("Unsqueeze", 13, null, x, L(-1, 0)).Shape);
        Assert.Throws<ArgumentException>(() => Run("Unsqueeze", 13, null, x, L(0, 0)));
    }

    [Fact]
    public void Shape_start_and_end_clamp_and_count_from_the_back()
    {
        var x = Tensor.Zeros(DataType.Float, 2, 3, 4, 5);
        Assert.Equal(new long[] { 2, 3, 4, 5 }, Run("Shape", 13, null, x).Int64s);
        Assert.Equal(new long[] { 3, 4 }, Run("Shape", 15, Attrs(NodeAttribute.Of("start", 1L), NodeAttribute.Of("end", -1L)), x).Int64s);
        Assert.Equal(new long[] { 2, 3, 4, 5 }, Run("Shape", 15, Attrs(NodeAttribute.Of("start", -10L), NodeAttribute.Of("end", 10L)), x).Int64s);
        Assert.Empty(Run("Shape", 15, Attrs(NodeAttribute.Of("start", 3L), NodeAttribute.Of("end", 1L)), x).Int64s);
        var size = Run("Size", 13, null, x);
        Assert.Equal(DataType.Int64, size.Type);
        Assert.Empty(size.Shape);
        Assert.Equal(120L, size.Int64s[0]);
    }

    [Fact]
    public void Shape_gather_unsqueeze_concat_reshape_chain_stays_int64()
    {
        // The chain real exports use to flatten all but the batch dim.
        var x = Iota(24, 2, 3, 4);
        var shape = Run("Shape", 13, null, x);
        var batch = Run("Gather", 13, Attrs(NodeAttribute.Of("axis", 0L)), shape, Tensor.Scalar(0L));
        Assert.Equal(DataType.Int64, batch.Type);
        Assert.Empty(batch.Shape);
        var b1 = Run("Unsqueeze", 13, null, batch, L(0));
        var target = Run("Concat", 13, Attrs(NodeAttribute.Of("axis", 0L)), b1, L(-1));
        Assert.Equal(new long[] { 2, -1 }, target.Int64s);
        Assert.Equal([2, 12], Run("Reshape", 13, null, x, target).Shape);
    }
}
