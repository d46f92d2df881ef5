using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;
using static Platform.Quantization.Tests.Operators.Shape.Op;

namespace Platform.Quantization.Tests.Operators.Shape;

public class PadResizeTests
{
    private static Tensor Pad13(Tensor x, string mode, params long[] pads) =>
        Run("Pad", 13, Attrs(NodeAttribute.Of("mode", mode)), x, L(pads));

    [Theory]
    [InlineData("constant", new float[] { 0, 0, 1, 2, 3, 4, 0, 0, 0 })]
    [InlineData("reflect", new float[] { 3, 2, 1, 2, 3, 4, 3, 2, 1 })]
    [InlineData("edge", new float[] { 1, 1, 1, 2, 3, 4, 4, 4, 4 })]
    [InlineData("wrap", new float[] { 3, 4, 1, 2, 3, 4, 1, 2, 3 })]
    public void Pad_modes_on_a_vector(string mode, float[] expected) =>
        Equal(Pad13(F([1, 2, 3, 4], 4), mode, 2, 3), [9], expected);

    [Fact]
    public void Pad_reflect_repeats_when_the_pad_exceeds_the_axis()
    {
        // numpy.pad([1, 2, 3], 5, 'reflect')
        Equal(Pad13(F([1, 2, 3], 3), "reflect", 5, 5), [13], [2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2]);
    }

    [Fact]
    public void Negative_pads_crop_before_padding()
    {
        Equal(Pad13(F([1, 2, 3, 4], 4), "edge", -1, 2), [5], [2, 3, 4, 4, 4]);
        Equal(Pad13(F([1, 2, 3, 4], 4), "reflect", -1, 2), [5], [2, 3, 4, 3, 2]);
        Equal(Pad13(F([1, 2, 3, 4], 4), "constant", -3, -1), [0], []);
    }

    [Fact]
    public void Pad_2d_constant_value_input_attribute_form_and_axes()
    {
        var x = F([1, 2, 3, 4], 2, 2);
        Equal(Run("Pad", 13, null, x, L(1, 0, 0, 1), Tensor.Scalar(9f)), [3, 3], [9, 9, 9, 1, 2, 9, 3, 4, 9]);
        Equal(Run("Pad", 2, Attrs(NodeAttribute.Of("pads", new long[] { 0, 1, 0, 0 }), NodeAttribute.Of("value", 5f)), x), [2, 3], [5, 1, 2, 5, 3, 4]);
        Equal(Run("Pad", 18, null, x, L(1, 1), null, L(-1)), [2, 4], [0, 1, 2, 0, 0, 3, 4, 0]);
        var ints = Run("Pad", 13, Attrs(NodeAttribute.Of("mode", "edge")), Tensor.FromArray(new long[] { long.MaxValue, 1 }, 2), L(1, 1));
        Assert.Equal(new[] { long.MaxValue, long.MaxValue, 1, 1 }, ints.Int64s);
    }

    private static Tensor Resize1D(float[] x, string coord, string mode, string nearest, float scale) =>
        Run("Resize", 13, Attrs(NodeAttribute.Of("mode", mode), NodeAttribute.Of("coordinate_transformation_mode", coord), NodeAttribute.Of("nearest_mode", nearest)),
            F(x, x.Length), null, Tensor.FromArray(new[] { scale }, 1));

    [Theory]
    // asymmetric, scale 4: source coordinates 0, .25, .5, .75, 1, 1.25, 1.5, 1.75 (clamped to index 1)
    [InlineData("round_prefer_floor", new float[] { 10, 10, 10, 20, 20, 20, 20, 20 })]
    [InlineData("round_prefer_ceil", new float[] { 10, 10, 20, 20, 20, 20, 20, 20 })]
    [InlineData("floor", new float[] { 10, 10, 10, 10, 20, 20, 20, 20 })]
    [InlineData("ceil", new float[] { 10, 20, 20, 20, 20, 20, 20, 20 })]
    public void Resize_nearest_modes(string nearest, float[] expected) =>
        Equal(Resize1D([10, 20], "asymmetric", "nearest", nearest, 4), [8], expected);

    [Theory]
    [InlineData("half_pixel", new float[] { 0, 2.5f, 7.5f, 10 })]
    [InlineData("pytorch_half_pixel", new float[] { 0, 2.5f, 7.5f, 10 })]
    [InlineData("asymmetric", new float[] { 0, 5, 10, 10 })]
    public void Resize_linear_coordinate_modes(string coord, float[] expected) =>
        Equal(Resize1D([0, 10], coord, "linear", "round_prefer_floor", 2), [4], expected);

    [Fact]
    public void Resize_linear_align_corners_hits_both_ends()
    {
        var y = Resize1D([0, 10], "align_corners", "linear", "round_prefer_floor", 2).Floats;
        Assert.Equal(new float[] { 0, 10 / 3f, 20 / 3f, 10 }, y, (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void Resize_bilinear_4d_half_pixel()
    {
        var x = F([1, 2, 3, 4], 1, 1, 2, 2);
        var y = Run("Resize", 13, Attrs(NodeAttribute.Of("mode", "linear")), x, null, Tensor.FromArray(new[] { 1f, 1, 2, 2 }, 4));
        Equal(y, [1, 1, 4, 4], [1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f, 3.75f, 4]);
    }

    [Fact]
    public void Resize_sizes_tf_crop_and_resize_extrapolates_outside_the_roi()
    {
        var y = Run("Resize", 13,
            Attrs(NodeAttribute.Of("mode", "linear"), NodeAttribute.Of("coordinate_transformation_mode", "tf_crop_and_resize"), NodeAttribute.Of("extrapolation_value", -1f)),
            F([0, 10, 20, 30], 4), Tensor.FromArray(new[] { 0f, 1.5f }, 2), null, L(4));
        Equal(y, [4], [0, 15, 30, -1]);
    }

    [Fact]
    public void Upsample_and_resize_10_use_asymmetric_nearest()
    {
        var up = Run("Upsample", 9, Attrs(NodeAttribute.Of("mode", "nearest")), F([1, 2], 1, 2), Tensor.FromArray(new[] { 2f, 2f }, 2));
        Equal(up, [2, 4], [1, 1, 2, 2, 1, 1, 2, 2]);
        var up7 = Run("Upsample", 7, Attrs(NodeAttribute.Of("mode", "linear"), NodeAttribute.Of("scales", new[] { 2f })), F([0, 10], 2));
        Equal(up7, [4], [0, 5, 10, 10]);
        // Shrinking without nearest_mode (opset 10) takes the ceiling of the source coordinate.
        Equal(Run("Resize", 10, null, F([1, 2, 3, 4], 4), Tensor.FromArray(new[] { 0.5f }, 1)), [2], [1, 3]);
    }

    [Fact]
    public void Resize_18_axes_and_keep_aspect_ratio()
    {
        var x = F([1, 2, 3, 4], 1, 2, 2);
        var y = Run("Resize", 18, Attrs(NodeAttribute.Of("axes", new long[] { -1 }), NodeAttribute.Of("coordinate_transformation_mode", "asymmetric")),
            x, null, Tensor.FromArray(new[] { 2f }, 1));
        Equal(y, [1, 2, 4], [1, 1, 2, 2, 3, 3, 4, 4]);
        var img = Tensor.Zeros(DataType.Float, 1, 1, 2, 4);
        var axes = NodeAttribute.Of("axes", new long[] { 2, 3 });
        Assert.Equal([1, 1, 2, 4], Run("Resize", 18, Attrs(axes, NodeAttribute.Of("keep_aspect_ratio_policy", "not_larger")), img, null, null, L(4, 4)).Shape);
        Assert.Equal([1, 1, 4, 8], Run("Resize", 18, Attrs(axes, NodeAttribute.Of("keep_aspect_ratio_policy", "not_smaller")), img, null, null, L(4, 4)).Shape);
    }

    [Fact]
    public void Resize_nearest_moves_integers_exactly()
    {
        var x = Tensor.FromArray(new long[] { long.MaxValue, 1 }, 2);
        var y = Run("Resize", 13, Attrs(NodeAttribute.Of("mode", "nearest")), x, null, Tensor.FromArray(new[] { 2f }, 1));
        Assert.Equal(new[] { long.MaxValue, long.MaxValue, 1, 1 }, y.Int64s);
    }
}
