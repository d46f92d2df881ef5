using Platform.Quantization.Kernels.Cpu;

namespace Platform.Quantization.Tests.Kernels;

/// <summary><see cref="Int8Conv"/> against im2row + <see cref="Int8GemmReference"/>, in place (1×1) and through im2row.</summary>
public class Int8ConvTests
{
    private static Conv2DGeometry Geometry(int c, int h, int w, int kh, int kw, int stride, int pad, int dilation)
    {
        int oh = (h + 2 * pad - dilation * (kh - 1) - 1) / stride + 1, ow = (w + 2 * pad - dilation * (kw - 1) - 1) / stride + 1;
        return new Conv2DGeometry(c, h, w, kh, kw, stride, stride, pad, pad, dilation, dilation, Math.Max(0, oh), Math.Max(0, ow));
    }

    public static IEnumerable<object[]> Cases()
    {
        // channels, H, W, kh, kw, stride, pad, dilation, output channels
        int[][] cases =
        [
            [1, 1, 1, 1, 1, 1, 0, 1, 1], [3, 5, 7, 1, 1, 1, 0, 1, 5], [64, 14, 14, 1, 1, 1, 0, 1, 70], [16, 9, 9, 1, 1, 2, 0, 1, 17],
            [3, 8, 8, 3, 3, 1, 1, 1, 4], [8, 13, 11, 3, 3, 2, 1, 1, 19], [5, 12, 12, 3, 3, 1, 2, 2, 16], [3, 30, 30, 7, 7, 2, 3, 1, 64],
            [32, 7, 7, 3, 3, 1, 1, 1, 33], [2, 4, 4, 5, 5, 1, 2, 1, 3], [4, 6, 5, 2, 3, 1, 0, 1, 6],
        ];
        foreach (var c in cases)
            foreach (int threads in new[] { 1, 3 })
                yield return [c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], threads];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_the_reference(int c, int h, int w, int kh, int kw, int stride, int pad, int dilation, int m, int threads)
    {
        var g = Geometry(c, h, w, kh, kw, stride, pad, dilation);
        var x = Int8GemmTests.U8(c * h * w, c + h, 10, 250);
        const int xZero = 37;
        foreach (bool zp in new[] { false, true })
        {
            var wt = Int8PackedWeights.Pack(Int8GemmTests.S8(m * g.Depth, m), m, g.Depth, zp ? Int8GemmTests.ZeroPoints(m, 4) : default);
            var e = Int8GemmTests.Epilogue(m, 6, bias: true, relu: zp, transpose: false, outputScale: 0.05f + 0.01f * MathF.Sqrt(g.Depth), outputZero: 90);

            var expected = new float[m * g.OutSize];
            var actual = new float[m * g.OutSize];
            Int8Conv.Reference(x, xZero, g, wt, e, expected);
            Int8Conv.Run(x, xZero, g, wt, e, actual, threads);
            Int8GemmTests.AssertSame(expected, actual);

            var expected8 = new byte[m * g.OutSize];
            var actual8 = new byte[m * g.OutSize];
            Int8Conv.Reference(x, xZero, g, wt, e, expected8);
            Int8Conv.Run(x, xZero, g, wt, e, actual8, threads);
            Assert.Equal(expected8, actual8);
        }
    }

    [Fact]
    public void Padding_reads_the_zero_point()
    {
        // x all equal to its zero point: every patch, padded or not, sums to zero, so y = bias exactly.
        var g = Geometry(3, 5, 5, 3, 3, 1, 2, 1);
        var x = Enumerable.Repeat((byte)200, 75).ToArray();
        var w = Int8PackedWeights.Pack(Int8GemmTests.S8(4 * g.Depth, 1), 4, g.Depth);
        var e = new Int8Epilogue { Scales = [1f, 1f, 1f, 1f], Bias = [1f, 2f, 3f, 4f] };
        var y = new float[4 * g.OutSize];
        Int8Conv.Run(x, 200, g, w, e, y);
        for (int i = 0; i < y.Length; i++) Assert.Equal(i / g.OutSize + 1, y[i]);
    }

    [Fact]
    public void Weights_of_the_wrong_depth_are_refused()
    {
        var g = Geometry(3, 5, 5, 3, 3, 1, 1, 1);
        var w = Int8PackedWeights.Pack(new sbyte[4 * 26], 4, 26);
        var e = new Int8Epilogue { Scales = new float[4] };
        var ex = Assert.Throws<ArgumentException>(() => Int8Conv.Run(new byte[75], 0, g, w, e, new float[4 * 25]));
        Assert.Contains("27", ex.Message);
    }
}
