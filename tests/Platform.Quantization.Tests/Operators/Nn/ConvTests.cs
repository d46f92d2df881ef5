using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;
using static Platform.Quantization.Tests.Operators.Nn.NnTestHelpers;

namespace Platform.Quantization.Tests.Operators.Nn;

public class ConvTests
{
    [Fact]
    public void Three_by_three_with_padding_sums_the_neighbourhood()
    {
        // x = 1..9 in a 3×3 image, all-ones 3×3 kernel, pad 1: each output is the sum of its in-image neighbours.
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 1, 1, 3, 3);
        var w = Tensor.FromArray(Enumerable.Repeat(1f, 9).ToArray(), 1, 1, 3, 3);
        var y = Run("Conv", [x, w], 1, Ints("pads", 1, 1, 1, 1))[0];
        Assert.Equal(new[] { 1, 1, 3, 3 }, y.Shape);
        Assert.Equal(new float[] { 12, 21, 16, 27, 45, 33, 24, 39, 28 }, y.Floats);
    }

    [Fact]
    public void Strides_dilations_and_bias()
    {
        // 1×1×5×5 image x[i,j] = 5i + j; kernel 2×2 of ones, dilation 2, stride 2, bias 0.5.
        // Output (0,0) = x[0,0]+x[0,2]+x[2,0]+x[2,2] = 0+2+10+12 = 24, (0,1) = 2+4+12+14 = 32, (1,0) = 10+12+20+22 = 64, (1,1) = 72.
        var x = Tensor.FromArray(Enumerable.Range(0, 25).Select(i => (float)i).ToArray(), 1, 1, 5, 5);
        var w = Tensor.FromArray(new float[] { 1, 1, 1, 1 }, 1, 1, 2, 2);
        var b = Tensor.FromArray(new float[] { 0.5f }, 1);
        var y = Run("Conv", [x, w, b], 1, Ints("strides", 2, 2), Ints("dilations", 2, 2))[0];
        Assert.Equal(new[] { 1, 1, 2, 2 }, y.Shape);
        Assert.Equal(new float[] { 24.5f, 32.5f, 64.5f, 72.5f }, y.Floats);
    }

    [Fact]
    public void Groups_keep_channels_apart()
    {
        // Two channels, group 2, 1×1 kernels with weights 2 and 3: each output channel scales its own input channel.
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 10, 20, 30, 40 }, 1, 2, 2, 2);
        var w = Tensor.FromArray(new float[] { 2, 3 }, 2, 1, 1, 1);
        var y = Run("Conv", [x, w], 1, Int("group", 2))[0];
        Assert.Equal(new float[] { 2, 4, 6, 8, 30, 60, 90, 120 }, y.Floats);
    }

    [Fact]
    public void Same_upper_and_same_lower_put_the_odd_pad_at_opposite_ends()
    {
        // 1-D: x = [1,2,3,4], kernel [1,10] (2 taps), stride 1: total pad 1.
        // SAME_UPPER pads at the end: [1·1+2·10, 2+30, 3+40, 4+0] = [21,32,43,4]; SAME_LOWER at the start: [0+10, 1+20, 2+30, 3+40].
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 1, 1, 4);
        var w = Tensor.FromArray(new float[] { 1, 10 }, 1, 1, 2);
        Assert.Equal(new float[] { 21, 32, 43, 4 }, Run("Conv", [x, w], 1, Str("auto_pad", "SAME_UPPER"))[0].Floats);
        Assert.Equal(new float[] { 10, 21, 32, 43 }, Run("Conv", [x, w], 1, Str("auto_pad", "SAME_LOWER"))[0].Floats);
        Assert.Equal(new float[] { 21, 32, 43 }, Run("Conv", [x, w], 1, Str("auto_pad", "VALID"))[0].Floats);
    }

    public static IEnumerable<object[]> Cases()
    {
        // c, m, group, h, w, kh, kw, stride, pad (t,l,b,r), dilation, threads
        yield return [3, 8, 1, 17, 19, 3, 3, 1, new[] { 1, 1, 1, 1 }, 1, 1];
        yield return [3, 9, 1, 40, 37, 7, 7, 2, new[] { 3, 3, 2, 2 }, 1, 2];
        yield return [4, 6, 2, 13, 70, 3, 3, 2, new[] { 1, 0, 0, 1 }, 1, 1];
        yield return [6, 6, 6, 9, 9, 3, 3, 1, new[] { 1, 1, 1, 1 }, 1, 2];
        yield return [5, 7, 1, 12, 11, 3, 2, 3, new[] { 2, 1, 0, 2 }, 2, 1];
        yield return [16, 40, 1, 8, 8, 1, 1, 1, new[] { 0, 0, 0, 0 }, 1, 2];
        yield return [16, 24, 1, 9, 9, 1, 1, 2, new[] { 0, 0, 0, 0 }, 1, 1];
        yield return [32, 64, 1, 7, 7, 3, 3, 1, new[] { 1, 1, 1, 1 }, 1, 2];
        yield return [2, 3, 1, 5, 130, 1, 5, 1, new[] { 0, 2, 0, 2 }, 3, 1];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Two_d_matches_a_direct_convolution(int c, int m, int group, int h, int wd, int kh, int kw, int stride, int[] pads, int dil, int threads)
    {
        var x = Tensor.FromArray(Random(2 * c * h * wd, 1), 2, c, h, wd);
        var w = Tensor.FromArray(Random(m * (c / group) * kh * kw, 2), m, c / group, kh, kw);
        var b = Tensor.FromArray(Random(m, 3), m);
        var y = Run("Conv", [x, w, b], threads, Ints("strides", stride, stride), Ints("pads", pads.Select(p => (long)p).ToArray()),
            Ints("dilations", dil, dil), Int("group", group))[0];
        var expected = DirectConv(x, w, b, group, [stride, stride], [pads[0], pads[1]], [pads[2], pads[3]], [dil, dil]);
        Assert.Equal(expected.Shape, y.Shape);
        AssertClose(expected.Floats, y.Floats);
    }

    [Fact]
    public void Three_d_and_fused_relu_with_residual_match_the_direct_convolution()
    {
        var x = Tensor.FromArray(Random(3 * 5 * 6 * 7, 4), 1, 3, 5, 6, 7);
        var w = Tensor.FromArray(Random(4 * 3 * 27, 5), 4, 3, 3, 3, 3);
        var y = Run("Conv", [x, w], 2, Ints("pads", 1, 0, 1, 1, 1, 0), Ints("strides", 1, 2, 1))[0];
        var expected = DirectConv(x, w, null, 1, [1, 2, 1], [1, 0, 1], [1, 1, 0], [1, 1, 1]);
        Assert.Equal(expected.Shape, y.Shape);
        AssertClose(expected.Floats, y.Floats);

        // FusedConv: relu(conv + B + Z).
        var x2 = Tensor.FromArray(Random(4 * 6 * 6, 6), 1, 4, 6, 6);
        var w2 = Tensor.FromArray(Random(5 * 4 * 9, 7), 5, 4, 3, 3);
        var b2 = Tensor.FromArray(Random(5, 8), 5);
        var z = Tensor.FromArray(Random(5 * 36, 9), 1, 5, 6, 6);
        var node = new Node { OpType = "FusedConv", Domain = "com.microsoft", Inputs = { "x", "w", "b", "z" }, Outputs = { "y" } };
        node.Attributes["pads"] = Ints("pads", 1, 1, 1, 1);
        node.Attributes["activation"] = Str("activation", "Relu");
        Assert.True(Platform.Quantization.Runtime.OperatorRegistry.TryGet("com.microsoft", "FusedConv", out var k));
        var fused = k.Execute(node, [x2, w2, b2, z], new Platform.Quantization.Runtime.OperatorContext { Threads = 1 })[0];
        var plain = DirectConv(x2, w2, b2, 1, [1, 1], [1, 1], [1, 1], [1, 1]).Floats;
        var want = plain.Select((v, i) => Math.Max(0f, v + z.Floats[i])).ToArray();
        AssertClose(want, fused.Floats);
    }

    /// <summary>The definition, loop by loop (N-D).</summary>
    internal static Tensor DirectConv(Tensor x, Tensor w, Tensor? b, int group, int[] s, int[] pb, int[] pe, int[] d)
    {
        int r = x.Rank - 2, n = x.Shape[0], c = x.Shape[1], m = w.Shape[0], cg = c / group, mg = m / group;
        var ins = x.Shape[2..];
        var ks = w.Shape[2..];
        var outs = new int[r];
        for (int i = 0; i < r; i++) outs[i] = (ins[i] + pb[i] + pe[i] - ((ks[i] - 1) * d[i] + 1)) / s[i] + 1;
        var y = Tensor.Zeros(DataType.Float, [n, m, .. outs]);
        int outSize = outs.Aggregate(1, (p, v) => p * v), kSize = ks.Aggregate(1, (p, v) => p * v), inSize = ins.Aggregate(1, (p, v) => p * v);
        var oi = new int[r];
        var ki = new int[r];
        for (int img = 0; img < n; img++)
            for (int oc = 0; oc < m; oc++)
            {
                int g = oc / mg;
                for (int o = 0; o < outSize; o++)
                {
                    for (int i = r - 1, rem = o; i >= 0; i--) { oi[i] = rem % outs[i]; rem /= outs[i]; }
                    double acc = b?.Floats[oc] ?? 0;
                    for (int ic = 0; ic < cg; ic++)
                        for (int kk = 0; kk < kSize; kk++)
                        {
                            for (int i = r - 1, rem = kk; i >= 0; i--) { ki[i] = rem % ks[i]; rem /= ks[i]; }
                            int off = 0;
                            bool inside = true;
                            for (int i = 0; i < r; i++)
                            {
                                int p = oi[i] * s[i] - pb[i] + ki[i] * d[i];
                                if (p < 0 || p >= ins[i]) { inside = false; break; }
                                off = off * ins[i] + p;
                            }
                            if (!inside) continue;
                            acc += (double)x.Floats[(img * c + g * cg + ic) * inSize + off] * w.Floats[(oc * cg + ic) * kSize + kk];
                        }
                    y.Floats[(img * m + oc) * outSize + o] = (float)acc;
                }
            }
        return y;
    }
}
