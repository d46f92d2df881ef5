using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// The im2col operand of a 2-D convolution, read from a copy of the image with its padding materialised
/// (<see cref="PadImage"/>): every element then sits at a fixed offset (position base + depth offset), so
/// packing needs no bounds checks. Narrow panels (the transposed product for small outputs, 7×7 and 14×14,
/// positions on the 8-row side) take one 8-lane gather per panel row; row-major blocks are plain runs.
/// Packing element by element with bounds checks cost a fifth of the network's GEMM time.
/// </summary>
internal sealed unsafe class PaddedIm2ColPanelSource(float* padded, in Conv2DGeometry g) : PanelSource
{
    private readonly Conv2DGeometry _g = g;
    private readonly int _ph = PaddedHeight(g), _pw = PaddedWidth(g);

    public static int PaddedHeight(in Conv2DGeometry g) => Math.Max(g.InH + g.PadTop, (g.OutH - 1) * g.StrideH + (g.KernelH - 1) * g.DilationH + 1);
    public static int PaddedWidth(in Conv2DGeometry g) => Math.Max(g.InW + g.PadLeft, (g.OutW - 1) * g.StrideW + (g.KernelW - 1) * g.DilationW + 1);
    public static long PaddedLength(in Conv2DGeometry g) => (long)g.Channels * PaddedHeight(g) * PaddedWidth(g);

    /// <summary>Writes the image [channels, InH, InW] into dst [channels, PaddedHeight, PaddedWidth] with zeros around it.</summary>
    public static void PadImage(float* image, in Conv2DGeometry g, float* dst)
    {
        int ph = PaddedHeight(g), pw = PaddedWidth(g);
        new Span<float>(dst, checked((int)PaddedLength(g))).Clear();
        for (int ch = 0; ch < g.Channels; ch++)
            for (int y = 0; y < g.InH; y++)
                new ReadOnlySpan<float>(image + ((long)ch * g.InH + y) * g.InW, g.InW)
                    .CopyTo(new Span<float>(dst + ((long)ch * ph + y + g.PadTop) * pw + g.PadLeft, g.InW));
    }

    public override bool PacksRows => true;

    public override void PackRows(float* dst, long ldb, int r0, int count, int k0, int kc)
    {
        var g = _g;
        int ph = _ph, pw = _pw, sx = g.StrideW;
        long length = PaddedLength(g);
        int nEnd = r0 + count;
        int khw = g.KernelH * g.KernelW;
        int ch = k0 / khw, rem = k0 - ch * khw;
        int ky = rem / g.KernelW, kx = rem - ky * g.KernelW;
        int oy0 = r0 / g.OutW, ox0 = r0 - oy0 * g.OutW;
        for (int kk = 0; kk < kc; kk++)
        {
            long offset = ((long)ch * ph + ky * g.DilationH) * pw + kx * g.DilationW;
            float* row = dst + kk * ldb - r0;
            int n = r0, oy = oy0, ox = ox0;
            while (n < nEnd)
            {
                int run = Math.Min(g.OutW - ox, nEnd - n);
                long at = offset + (long)oy * g.StrideH * pw + (long)ox * sx;
                if (sx == 1) Im2ColPanelSource.CopyRun(padded + at, row + n, run);
                else if (sx == 2) Im2ColPanelSource.CopyEvenRun(padded + at, row + n, run, length - at);
                else for (int t = 0; t < run; t++) row[n + t] = padded[at + (long)t * sx];
                n += run;
                ox = 0;
                oy++;
            }
            if (++kx == g.KernelW)
            {
                kx = 0;
                if (++ky == g.KernelH) { ky = 0; ch++; }
            }
        }
    }

    public override void Pack(float* dst, int width, int r0, int count, int k0, int kc)
    {
        var g = _g;
        int ph = _ph, pw = _pw;
        int nEnd = Math.Min(r0 + count, g.OutH * g.OutW);
        int khw = g.KernelH * g.KernelW;
        int* bases = stackalloc int[width];
        for (int p = 0; p < count; p += width)
        {
            float* panel = dst + (long)(p / width) * kc * width;
            int lanes = Math.Clamp(nEnd - (r0 + p), 0, width);
            for (int j = 0; j < lanes; j++)
            {
                int n = r0 + p + j, oy = n / g.OutW, ox = n - oy * g.OutW;
                bases[j] = oy * g.StrideH * pw + ox * g.StrideW;
            }
            int ch = k0 / khw, rem = k0 - ch * khw;
            int ky = rem / g.KernelW, kx = rem - ky * g.KernelW;
            bool gather = Avx2.IsSupported && width == 8 && lanes == 8;
            var index = gather ? Vector256.Load(bases) : default;
            for (int kk = 0; kk < kc; kk++)
            {
                float* s = padded + ((long)ch * ph + ky * g.DilationH) * pw + kx * g.DilationW;
                float* d = panel + (long)kk * width;
                if (gather) Vector256.Store(Avx2.GatherVector256(s, index, 4), d);
                else
                {
                    int j = 0;
                    for (; j < lanes; j++) d[j] = s[bases[j]];
                    for (; j < width; j++) d[j] = 0f;
                }
                if (++kx == g.KernelW)
                {
                    kx = 0;
                    if (++ky == g.KernelH) { ky = 0; ch++; }
                }
            }
        }
    }
}
