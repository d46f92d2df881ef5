using Platform.Quantization.Tensors;
using static Platform.Quantization.Tests.Operators.Nn.NnTestHelpers;

namespace Platform.Quantization.Tests.Operators.Nn;

public class PoolTests
{
    private static Tensor Grid4x4() => Tensor.FromArray(Enumerable.Range(1, 16).Select(i => (float)i).ToArray(), 1, 1, 4, 4);

    [Fact]
    public void Max_pool_2x2_stride_2_with_indices()
    {
        // Rows 1..4 / 5..8 / 9..12 / 13..16: window maxima are the bottom-right corners 6, 8, 14, 16.
        var r = Run("MaxPool", [Grid4x4()], 1, Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
        Assert.Equal(new float[] { 6, 8, 14, 16 }, r[0].Floats);
    }

    [Fact]
    public void Indices_are_flat_and_follow_storage_order()
    {
        var node = new Platform.Quantization.Graph.Node { OpType = "MaxPool", Inputs = { "x" }, Outputs = { "y", "i" } };
        node.Attributes["kernel_shape"] = Ints("kernel_shape", 2, 2);
        node.Attributes["strides"] = Ints("strides", 2, 2);
        Assert.True(Platform.Quantization.Runtime.OperatorRegistry.TryGet("", "MaxPool", out var k));
        var r = k.Execute(node, [Grid4x4()], Platform.Quantization.Runtime.OperatorContext.Default);
        // Row-major flat positions of 6, 8, 14, 16 are 5, 7, 13, 15.
        Assert.Equal(new long[] { 5, 7, 13, 15 }, r[1].Int64s);
        node.Attributes["storage_order"] = Int("storage_order", 1);
        r = k.Execute(node, [Grid4x4()], Platform.Quantization.Runtime.OperatorContext.Default);
        // Column-major: (row 1, col 1) → 1 + 1·4 = 5, (1,3) → 13, (3,1) → 7, (3,3) → 15.
        Assert.Equal(new long[] { 5, 13, 7, 15 }, r[1].Int64s);
    }

    [Fact]
    public void Ceil_mode_adds_a_partial_window()
    {
        // 4×4, kernel 3, stride 2: floor gives 1×1 (max 11), ceil gives 2×2 with the last windows clipped: 11,12,15,16.
        Assert.Equal(new float[] { 11 }, Run("MaxPool", [Grid4x4()], 1, Ints("kernel_shape", 3, 3), Ints("strides", 2, 2))[0].Floats);
        var c = Run("MaxPool", [Grid4x4()], 1, Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Int("ceil_mode", 1))[0];
        Assert.Equal(new[] { 1, 1, 2, 2 }, c.Shape);
        Assert.Equal(new float[] { 11, 12, 15, 16 }, c.Floats);
        // Average over the clipped window counts only the elements that exist: (11+12+15+16)/4 = 13.5 for the last.
        var a = Run("AveragePool", [Grid4x4()], 1, Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Int("ceil_mode", 1))[0];
        Assert.Equal(new float[] { 6, 7.5f, 12, 13.5f }, a.Floats);
    }

    [Fact]
    public void Average_pool_padding_counts_or_not()
    {
        // 2×2 image [1 2;3 4], kernel 2, pad 1 at the start only, stride 1: first window holds only the 1.
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 1, 1, 2, 2);
        var ex = Run("AveragePool", [x], 1, Ints("kernel_shape", 2, 2), Ints("pads", 1, 1, 0, 0))[0];
        Assert.Equal(new float[] { 1, 1.5f, 2, 2.5f }, ex.Floats);
        var inc = Run("AveragePool", [x], 1, Ints("kernel_shape", 2, 2), Ints("pads", 1, 1, 0, 0), Int("count_include_pad", 1))[0];
        Assert.Equal(new float[] { 0.25f, 0.75f, 1, 2.5f }, inc.Floats);
    }

    [Fact]
    public void Dilated_max_pool()
    {
        // 4×4, kernel 2 dilation 2, stride 1: windows {(0,0),(0,2),(2,0),(2,2)} etc. → maxima 11, 12, 15, 16.
        var r = Run("MaxPool", [Grid4x4()], 1, Ints("kernel_shape", 2, 2), Ints("dilations", 2, 2))[0];
        Assert.Equal(new float[] { 11, 12, 15, 16 }, r.Floats);
    }

    [Theory]
    [InlineData(1, 3, 2, 1)]
    [InlineData(2, 3, 2, 0)]
    [InlineData(1, 2, 1, 0)]
    [InlineData(2, 5, 3, 2)]
    public void Vector_rows_match_the_window_definition(int threads, int k, int s, int pad)
    {
        // Wide rows take the 16-at-a-time path; the brute-force windows below are the definition.
        int h = 9, w = 75;
        var x = Tensor.FromArray(Random(2 * 3 * h * w, 3), 2, 3, h, w);
        foreach (var op in new[] { "MaxPool", "AveragePool" })
        {
            var y = Run(op, [x], threads, Ints("kernel_shape", k, k), Ints("strides", s, s), Ints("pads", pad, pad, pad, pad))[0];
            int oh = (h + 2 * pad - k) / s + 1, ow = (w + 2 * pad - k) / s + 1;
            Assert.Equal(new[] { 2, 3, oh, ow }, y.Shape);
            var want = new float[y.Length];
            for (int p = 0; p < 6; p++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++)
                    {
                        float best = float.NegativeInfinity, sum = 0;
                        int n = 0;
                        for (int ky = 0; ky < k; ky++)
                            for (int kx = 0; kx < k; kx++)
                            {
                                int iy = oy * s - pad + ky, ix = ox * s - pad + kx;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                float v = x.Floats[(p * h + iy) * w + ix];
                                best = Math.Max(best, v);
                                sum += v;
                                n++;
                            }
                        want[(p * oh + oy) * ow + ox] = op == "MaxPool" ? best : sum / n;
                    }
            AssertClose(want, y.Floats, 1e-5f);
        }
    }

    [Fact]
    public void Global_pools_reduce_each_plane()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, -1, -2, -3, -5 }, 1, 2, 2, 2);
        Assert.Equal(new float[] { 2.5f, -2.75f }, Run("GlobalAveragePool", [x])[0].Floats);
        var m = Run("GlobalMaxPool", [x])[0];
        Assert.Equal(new[] { 1, 2, 1, 1 }, m.Shape);
        Assert.Equal(new float[] { 4, -1 }, m.Floats);
    }
}
