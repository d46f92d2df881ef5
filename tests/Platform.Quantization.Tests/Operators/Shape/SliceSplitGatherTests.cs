using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;
using static Platform.Quantization.Tests.Operators.Shape.Op;

namespace Platform.Quantization.Tests.Operators.Shape;

public class SliceSplitGatherTests
{
    private static readonly float[] Ten = Enumerable.Range(0, 10).Select(i => (float)i).ToArray();

    [Theory]
    // starts, ends, step -> expected (numpy x[start:end:step] on 0..9)
    [InlineData(-1L, long.MinValue, -1L, new float[] { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 })]
    [InlineData(8L, 1L, -3L, new float[] { 8, 5, 2 })]
    [InlineData(100L, -100L, -4L, new float[] { 9, 5, 1 })]
    [InlineData(-3L, long.MaxValue, 1L, new float[] { 7, 8, 9 })]
    [InlineData(-100L, 3L, 2L, new float[] { 0, 2 })]
    [InlineData(5L, 2L, 1L, new float[0])]
    [InlineData(2L, 5L, -1L, new float[0])]
    [InlineData(3L, 4L, 1000L, new float[] { 3 })]
    public void Slice_follows_numpy_for_negative_steps_and_clamping(long start, long end, long step, float[] expected)
    {
        var y = Run("Slice", 13, null, F(Ten, 10), L(start), L(end), L(0), L(step));
        Equal(y, [expected.Length], expected);
    }

    [Fact]
    public void Slice_before_opset_10_reads_attributes()
    {
        var x = Iota(12, 3, 4);
        var y = Run("Slice", 9, Attrs(NodeAttribute.Of("starts", new long[] { 1, 1 }), NodeAttribute.Of("ends", new long[] { 1000, 3 })), x);
        Equal(y, [2, 2], [5, 6, 9, 10]);
    }

    [Fact]
    public void Slice_negative_axis_and_default_steps()
    {
        var x = Iota(12, 3, 4);
        var y = Run("Slice", 13, null, x, L(-1), L(0), L(-1), L(-1));
        Equal(y, [3, 3], [3, 2, 1, 7, 6, 5, 11, 10, 9]);
        Assert.Throws<ArgumentException>(() => Run("Slice", 13, null, x, L(0), L(1), L(0), L(0)));
    }

    [Fact]
    public void Split_by_the_split_attribute_before_13_and_the_input_from_13()
    {
        var x = Iota(6, 6);
        var old = RunAll("Split", 11, Attrs(NodeAttribute.Of("split", new long[] { 1, 5 })), 2, x);
        Equal(old[0], [1], [0]);
        Equal(old[1], [5], [1, 2, 3, 4, 5]);
        var now = RunAll("Split", 13, null, 3, x, L(2, 0, 4));
        Equal(now[0], [2], [0, 1]);
        Equal(now[1], [0], []);
        Equal(now[2], [4], [2, 3, 4, 5]);
        Assert.Throws<ShapeMismatchException>(() => RunAll("Split", 13, null, 2, x, L(2, 3)));
    }

    [Fact]
    public void Split_equal_parts_and_num_outputs_with_a_smaller_last_chunk()
    {
        var x = Iota(12, 2, 6);
        var eq = RunAll("Split", 13, Attrs(NodeAttribute.Of("axis", 1L)), 3, x);
        Equal(eq[0], [2, 2], [0, 1, 6, 7]);
        Equal(eq[2], [2, 2], [4, 5, 10, 11]);
        var parts = RunAll("Split", 18, Attrs(NodeAttribute.Of("axis", -1L), NodeAttribute.Of("num_outputs", 4L)), 4, x);
        Assert.Equal(new[] { 2, 2, 2, 0 }, parts.Select(p => p.Shape[1]).ToArray());
        Assert.Throws<ShapeMismatchException>(() => RunAll("Split", 18, Attrs(NodeAttribute.Of("num_outputs", 4L)), 4, Iota(5, 5)));
        var uneven = RunAll("Split", 18, Attrs(NodeAttribute.Of("num_outputs", 4L)), 4, Iota(7, 7));
        Equal(uneven[3], [1], [6]);
        Equal(uneven[0], [2], [0, 1]);
    }

    [Fact]
    public void Concat_joins_on_negative_axis_and_accepts_empty_parts()
    {
        var a = Iota(4, 2, 2);
        var b = F([9, 8], 2, 1);
        var empty = Tensor.Zeros(DataType.Float, 2, 0);
        var y = Run("Concat", 13, Attrs(NodeAttribute.Of("axis", -1L)), a, empty, b);
        Equal(y, [2, 3], [0, 1, 9, 2, 3, 8]);
        Assert.Throws<ShapeMismatchException>(() => Run("Concat", 13, Attrs(NodeAttribute.Of("axis", 0L)), a, b));
    }

    [Fact]
    public void Gather_wraps_negative_indices_and_keeps_the_index_shape()
    {
        var x = Iota(12, 3, 4);
        var rows = Run("Gather", 13, null, x, Tensor.FromArray(new long[] { -1, 0 }, 2));
        Equal(rows, [2, 4], [8, 9, 10, 11, 0, 1, 2, 3]);
        var cols = Run("Gather", 13, Attrs(NodeAttribute.Of("axis", 1L)), x, Tensor.FromArray(new[] { -4, 3, 1, 1 }, 2, 2));
        Equal(cols, [3, 2, 2], [0, 3, 1, 1, 4, 7, 5, 5, 8, 11, 9, 9]);
        var scalar = Run("Gather", 13, null, x, Tensor.Scalar(-2L));
        Equal(scalar, [4], [4, 5, 6, 7]);
        Assert.Throws<ShapeMismatchException>(() => Run("Gather", 13, null, x, Tensor.Scalar(3L)));
        Assert.Throws<ShapeMismatchException>(() => Run("Gather", 13, null, x, Tensor.Scalar(-4L)));
    }

    [Fact]
    public void GatherElements_replaces_the_axis_coordinate()
    {
        var x = F([1, 2, 3, 4], 2, 2);
        var y = Run("GatherElements", 13, Attrs(NodeAttribute.Of("axis", 1L)), x, Tensor.FromArray(new long[] { 0, 0, -1, 0 }, 2, 2));
        Equal(y, [2, 2], [1, 1, 4, 3]);
        var z = Run("GatherElements", 13, null, Iota(9, 3, 3), Tensor.FromArray(new long[] { 1, 2, 0, 2, 0, 0 }, 2, 3));
        Equal(z, [2, 3], [3, 7, 2, 6, 1, 2]);
    }

    [Fact]
    public void Strings_and_int64_move_like_floats()
    {
        var s = Tensor.FromArray(new[] { "a", "b", "c", "d", "e", "f" }, 2, 3);
        var t = Run("Transpose", 13, null, s);
        Assert.Equal(new[] { "a", "d", "b", "e", "c", "f" }, t.As<string>());
        var g = Run("Slice", 13, null, s, L(2), L(0), L(1), L(-1));
        Assert.Equal(new[] { "c", "b", "f", "e" }, g.As<string>());
        var big = Tensor.FromArray(new[] { long.MaxValue, long.MinValue, 1 }, 3);
        Assert.Equal(new[] { 1, long.MinValue, long.MaxValue }, Run("Slice", 13, null, big, L(-1), L(long.MinValue), L(0), L(-1)).Int64s);
    }
}
