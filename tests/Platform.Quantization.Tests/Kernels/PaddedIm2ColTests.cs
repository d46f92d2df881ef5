using Platform.Quantization.Kernels.Cpu;

namespace Platform.Quantization.Tests.Kernels;

public unsafe class PaddedIm2ColTests
{
    public static IEnumerable<object[]> Geometries()
    {
        // channels, inH, inW, kH, kW, stride, pad, dilation
        yield return [3, 7, 7, 3, 3, 1, 1, 1];
        yield return [5, 14, 14, 3, 3, 2, 1, 1];
        yield return [2, 9, 11, 1, 1, 2, 0, 1];
        yield return [4, 8, 6, 3, 2, 1, 2, 2];
        yield return [1, 5, 5, 5, 5, 1, 0, 1];
        yield return [3, 10, 9, 7, 7, 2, 3, 1];
        yield return [2, 40, 40, 3, 3, 2, 1, 1];
        yield return [2, 30, 30, 3, 3, 3, 1, 1];
    }

    /// <summary>Element (position n, depth k) of im2col, computed from the definition.</summary>
    private static float Element(float[] image, Conv2DGeometry g, int n, int k)
    {
        int khw = g.KernelH * g.KernelW;
        int ch = k / khw, ky = k % khw / g.KernelW, kx = k % g.KernelW;
        int oy = n / g.OutW, ox = n % g.OutW;
        int iy = oy * g.StrideH - g.PadTop + ky * g.DilationH, ix = ox * g.StrideW - g.PadLeft + kx * g.DilationW;
        return iy < 0 || iy >= g.InH || ix < 0 || ix >= g.InW ? 0f : image[(ch * g.InH + iy) * g.InW + ix];
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Panels_hold_the_im2col_elements_and_zeros_past_the_end(int c, int h, int w, int kh, int kw, int stride, int pad, int dil)
    {
        int outH = (h + 2 * pad - dil * (kh - 1) - 1) / stride + 1, outW = (w + 2 * pad - dil * (kw - 1) - 1) / stride + 1;
        var g = new Conv2DGeometry(c, h, w, kh, kw, stride, stride, pad, pad, dil, dil, outH, outW);
        var r = new Random(7);
        var image = new float[c * h * w];
        for (int i = 0; i < image.Length; i++) image[i] = (float)r.NextDouble() + 0.5f;
        var padded = new float[PaddedIm2ColPanelSource.PaddedLength(g)];
        int positions = outH * outW, depth = g.Depth;
        const int width = Sgemm.MR;
        // Pack a range that starts inside the matrix and runs past its end, over a depth block that starts at 1.
        int r0 = positions > width ? width : 0, count = positions - r0 + 5, k0 = Math.Min(1, depth - 1), kc = depth - k0;
        int panels = (count + width - 1) / width;
        var dst = new float[panels * kc * width];
        fixed (float* pi = image, pp = padded, pd = dst)
        {
            PaddedIm2ColPanelSource.PadImage(pi, g, pp);
            new PaddedIm2ColPanelSource(pp, g).Pack(pd, width, r0, count, k0, kc);
        }
        for (int p = 0; p < panels; p++)
            for (int kk = 0; kk < kc; kk++)
                for (int j = 0; j < width; j++)
                {
                    int n = r0 + p * width + j;
                    float expected = n < positions ? Element(image, g, n, k0 + kk) : 0f;
                    Assert.Equal(expected, dst[(p * kc + kk) * width + j]);
                }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Row_blocks_hold_the_im2col_elements(int c, int h, int w, int kh, int kw, int stride, int pad, int dil)
    {
        int outH = (h + 2 * pad - dil * (kh - 1) - 1) / stride + 1, outW = (w + 2 * pad - dil * (kw - 1) - 1) / stride + 1;
        var g = new Conv2DGeometry(c, h, w, kh, kw, stride, stride, pad, pad, dil, dil, outH, outW);
        var r = new Random(11);
        var image = new float[c * h * w];
        for (int i = 0; i < image.Length; i++) image[i] = (float)r.NextDouble() + 0.5f;
        var padded = new float[PaddedIm2ColPanelSource.PaddedLength(g)];
        int positions = outH * outW, depth = g.Depth;
        // A block that starts mid-row and ends before the last position, over a depth block starting at 1.
        int r0 = Math.Min(3, positions - 1), count = Math.Max(1, positions - r0 - 2), k0 = Math.Min(1, depth - 1), kc = depth - k0;
        int ldb = count + 5;
        var dst = new float[kc * ldb];
        fixed (float* pi = image, pp = padded, pd = dst)
        {
            PaddedIm2ColPanelSource.PadImage(pi, g, pp);
            new PaddedIm2ColPanelSource(pp, g).PackRows(pd, ldb, r0, count, k0, kc);
        }
        for (int kk = 0; kk < kc; kk++)
            for (int j = 0; j < count; j++)
                Assert.Equal(Element(image, g, r0 + j, k0 + kk), dst[kk * ldb + j]);
    }
}
