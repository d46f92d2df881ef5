using Platform.Quantization.Formats;
using Platform.Quantization.Specs;

namespace Platform.Quantization.Tests.Formats;

public class AffineQuantizerTests
{
    private static AffineQuantizedWeight Q(float[] w, int[] shape, int axis, int bits, bool sym, Granularity g) =>
        AffineQuantizer.Quantize(w, shape, axis, bits, sym, g);

    [Fact]
    public void Int8_symmetric_scale_is_max_abs_over_127_and_rounds_half_to_even()
    {
        // max|w| = 127 so S = 1 exactly: codes are round-half-even of the values
        var q = Q([62.5f, -1.5f, 0.5f, -127f], [1, 4], 0, 8, true, Granularity.PerTensor);
        Assert.Equal([1f], q.Scales);
        Assert.Null(q.ZeroPoints);
        Assert.Equal([62, -2, 0, -127], Enumerable.Range(0, 4).Select(i => q.Code(0, i)));
        Assert.Equal([62, 254, 0, 129], q.Codes); // int8 two's complement bytes
        Assert.Equal([62f, -2f, 0f, -127f], q.Dequantize());
        Assert.Equal(4 + 4, q.SizeBytes);
    }

    [Fact]
    public void Int8_symmetric_range_is_restricted_to_plus_minus_127()
    {
        var q = Q([-1f, 0.25f, 0.5f, 1f], [1, 4], 0, 8, true, Granularity.PerTensor);
        Assert.Equal(1f / 127f, q.Scales[0]);
        Assert.Equal(-127, q.Code(0, 0));
        Assert.Equal(127, q.Code(0, 3));
    }

    [Fact]
    public void Int8_asymmetric_scale_and_zero_point_by_hand()
    {
        // α = −16, β = 47.75: S = 63.75/255 = 0.25, Z = round(16/0.25) = 64
        var q = Q([-16f, 0f, 1.125f, 47.75f], [1, 4], 0, 8, false, Granularity.PerTensor);
        Assert.Equal([0.25f], q.Scales);
        Assert.Equal([(byte)64], q.ZeroPoints!);
        // 1.125/0.25 = 4.5 rounds to 4 (half to even), + Z = 68
        Assert.Equal([0, 64, 68, 255], Enumerable.Range(0, 4).Select(i => q.Code(0, i)));
        Assert.Equal([-16f, 0f, 1f, 47.75f], q.Dequantize());
        Assert.Equal(4 + 4 + 1, q.SizeBytes);
    }

    [Fact]
    public void Asymmetric_range_is_widened_to_include_zero()
    {
        // all positive: α is forced to 0, so Z = 0 and S = 4/255
        var q = Q([1f, 2f, 3f, 4f], [1, 4], 0, 8, false, Granularity.PerTensor);
        Assert.Equal(0, q.ZeroPoints![0]);
        Assert.Equal(4f / 255f, q.Scales[0]);
        // all negative: β is forced to 0, so Z = 255
        var n = Q([-1f, -2f, -3f, -4f], [1, 4], 0, 8, false, Granularity.PerTensor);
        Assert.Equal(255, n.ZeroPoints![0]);
    }

    [Fact]
    public void Zero_is_exact_in_asymmetric_quantization()
    {
        var w = TestData.Gaussian(256, 3);
        for (int i = 0; i < w.Length; i += 7) w[i] = 0f;
        foreach (int bits in new[] { 8, 4, 2 })
        {
            var d = Q(w, [4, 64], 0, bits, false, Granularity.PerGroup(16)).Dequantize();
            for (int i = 0; i < w.Length; i += 7) Assert.Equal(0f, d[i]);
        }
    }

    [Fact]
    public void Int4_per_group_on_an_eight_value_row_packs_low_nibble_first()
    {
        // group 1 max|w| = 3.5 -> S = 0.5; group 2 max|w| = 7 -> S = 1 (3.5 rounds to even 4)
        var q = Q([0f, 1f, 2f, 3.5f, -7f, 3.5f, 2f, 1f], [1, 8], 0, 4, true, Granularity.PerGroup(4));
        Assert.Equal([0.5f, 1f], q.Scales);
        Assert.Equal([0, 2, 4, 7, -7, 4, 2, 1], Enumerable.Range(0, 8).Select(i => q.Code(0, i)));
        // (0,2) (4,7) (-7 = 0x9, 4) (2,1): low nibble holds the even element
        Assert.Equal([0x20, 0x74, 0x49, 0x12], q.Codes);
        Assert.Equal([0f, 1f, 2f, 3.5f, -7f, 4f, 2f, 1f], q.Dequantize());
        Assert.Equal(4 + 2 * 4, q.SizeBytes);
    }

    [Fact]
    public void Int4_asymmetric_per_group_by_hand()
    {
        // group 1: [0, 7.5] -> S = 0.5, Z = 0; group 2: [-1, 6.5] -> S = 0.5, Z = 2
        var q = Q([0f, 1.5f, 3f, 7.5f, -1f, 0f, 2f, 6.5f], [1, 8], 0, 4, false, Granularity.PerGroup(4));
        Assert.Equal([0.5f, 0.5f], q.Scales);
        Assert.Equal([(byte)0, (byte)2], q.ZeroPoints!);
        Assert.Equal([0, 3, 6, 15, 0, 2, 6, 15], Enumerable.Range(0, 8).Select(i => q.Code(0, i)));
        Assert.Equal([0x30, 0xF6, 0x20, 0xF6], q.Codes);
        Assert.Equal(4 + 8 + 2, q.SizeBytes);
    }

    [Fact]
    public void Int4_odd_rows_start_on_a_byte_boundary()
    {
        var q = Q([1f, 2f, 3f, -1f, -2f, -3f], [2, 3], 0, 4, true, Granularity.PerChannel);
        Assert.Equal(2, q.RowBytes);
        Assert.Equal(4, q.Codes.Length);
        Assert.Equal(0, q.Codes[1] >> 4); // padding nibble stays zero
        Assert.Equal(-7, q.Code(1, 2));
    }

    [Fact]
    public void Int2_symmetric_uses_minus_one_to_one()
    {
        // S = 3/1 = 3: -1/3 and 1.4/3 round to 0
        var q = Q([-3f, -1f, 0f, 1.4f, 3f], [1, 5], 0, 2, true, Granularity.PerTensor);
        Assert.Equal([3f], q.Scales);
        Assert.Equal([-1, 0, 0, 0, 1], Enumerable.Range(0, 5).Select(i => q.Code(0, i)));
        Assert.Equal([0x03, 0x01], q.Codes); // four 2-bit fields per byte, element 0 lowest
        Assert.Equal([-3f, 0f, 0f, 0f, 3f], q.Dequantize());
    }

    [Fact]
    public void Int2_asymmetric_packs_four_codes_per_byte()
    {
        var q = Q([0f, 1f, 2f, 3f], [1, 4], 0, 2, false, Granularity.PerTensor);
        Assert.Equal([1f], q.Scales);
        Assert.Equal([0xE4], q.Codes); // 0 | 1<<2 | 2<<4 | 3<<6
        Assert.Equal([0f, 1f, 2f, 3f], q.Dequantize());
    }

    [Fact]
    public void Per_channel_on_axis_one_scales_matmul_columns()
    {
        // MatMul weight [K=2, N=3]: channel n is column n
        float[] w = [1f, -2f, 4f, -1f, 1f, 2f];
        var q = Q(w, [2, 3], 1, 8, true, Granularity.PerChannel);
        Assert.Equal([1f / 127, 2f / 127, 4f / 127], q.Scales);
        Assert.Equal(127, q.Code(0, 0));
        Assert.Equal(-127, q.Code(0, 1));
        Assert.Equal(-127, q.Code(1, 0));
        var d = q.Dequantize();
        for (int i = 0; i < w.Length; i++) Assert.Equal(w[i], d[i], 0.02f);
    }

    [Fact]
    public void Per_group_on_axis_one_groups_along_the_input_dimension()
    {
        // [K=4, N=2], groups of 2 along K: column 0 = [1, 1, 100, 100] gets scales 1/127 and 100/127
        float[] w = [1f, -5f, 1f, 5f, 100f, -5f, 100f, 5f];
        var q = Q(w, [4, 2], 1, 8, true, Granularity.PerGroup(2));
        Assert.Equal(4, q.Scales.Length);
        Assert.Equal(1f / 127, q.Scales[0]);
        Assert.Equal(100f / 127, q.Scales[1]);
        Assert.Equal(5f / 127, q.Scales[2]);
        Assert.Equal(w, q.Dequantize().Select(v => MathF.Round(v, 3)).ToArray());
    }

    [Fact]
    public void A_vector_on_axis_zero_has_one_element_per_channel()
    {
        // per-tensor scale, but each element is its own channel row, byte-aligned
        var q = Q([0f, 1f, 2f, 3f], [4], 0, 2, false, Granularity.PerTensor);
        Assert.Equal(4, q.Channels);
        Assert.Equal([0, 1, 2, 3], q.Codes);
    }

    [Fact]
    public void All_zero_channels_get_a_finite_scale_and_dequantize_to_zero()
    {
        float[] w = [0, 0, 0, 0, 1, -2, 3, 4];
        foreach (bool sym in new[] { true, false })
            foreach (int bits in new[] { 8, 4, 2 })
            {
                var q = Q(w, [2, 1, 2, 2], 0, bits, sym, Granularity.PerChannel);
                Assert.All(q.Scales, s => Assert.True(float.IsFinite(s) && s > 0));
                var d = q.Dequantize();
                Assert.Equal([0f, 0f, 0f, 0f], d[..4]);
                Assert.All(d, v => Assert.True(float.IsFinite(v)));
            }
    }

    [Theory]
    [InlineData(8, 40)]
    [InlineData(4, 17)]
    [InlineData(2, 3)]
    public void Reconstruction_error_is_bounded_by_half_a_step(int bits, double minSqnr)
    {
        var w = TestData.Gaussian(64 * 72, 11, 0.05f);
        var q = Q(w, [64, 8, 3, 3], 0, bits, false, Granularity.PerGroup(32));
        var d = q.Dequantize();
        for (int c = 0; c < 64; c++)
            for (int i = 0; i < 72; i++)
            {
                var p = q.Params(c, i);
                Assert.True(MathF.Abs(w[c * 72 + i] - d[c * 72 + i]) <= p.Scale * 0.5f * 1.0001f);
            }
        Assert.True(WeightQuantizer.SqnrDb(w, d) > minSqnr);
    }
}
