using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// The right operand of a 2-D convolution as GEMM, packed straight from the image (no column buffer):
/// row n = output position (oy, ox), depth index = (c, ky, kx). Element = x[c, oy·sy − padTop + ky·dy, ox·sx − padLeft + kx·dx], 0 outside.
/// </summary>
internal sealed unsafe class Im2ColPanelSource(float* image, in Conv2DGeometry g) : PanelSource
{
    private readonly Conv2DGeometry _g = g;

    /// <summary>Copies len floats; runs of 16+ use whole vectors, the last one overlapping the previous.</summary>
    internal static void CopyRun(float* src, float* dst, int len)
    {
        if (Vector512.IsHardwareAccelerated && len >= 16)
        {
            int t = 0;
            for (; t + 16 <= len; t += 16) Vector512.Store(Vector512.Load(src + t), dst + t);
            if (t < len) Vector512.Store(Vector512.Load(src + len - 16), dst + len - 16);
            return;
        }
        for (int t = 0; t < len; t++) dst[t] = src[t];
    }

    /// <summary>
    /// dst[t] = src[2t] for t &lt; len. Only src[0, available) may be read: vectors cover the chunks whose
    /// 32-float read fits, the rest is scalar.
    /// </summary>
    internal static void CopyEvenRun(float* src, float* dst, int len, long available)
    {
        int t = 0;
        if (Avx512F.IsSupported)
        {
            var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            for (; t + 16 <= len && 2L * t + 32 <= available; t += 16)
                Vector512.Store(Avx512F.PermuteVar16x32x2(Vector512.Load(src + 2 * t), even, Vector512.Load(src + 2 * t + 16)), dst + t);
        }
        for (; t < len; t++) dst[t] = src[2 * t];
    }

    public override bool PacksRows => true;

    public override void PackRows(float* dst, long ldb, int r0, int count, int k0, int kc)
    {
        var g = _g;
        int khw = g.KernelH * g.KernelW;
        int nEnd = r0 + count;
        for (int kk = 0; kk < kc; kk++)
        {
            int kIndex = k0 + kk;
            int ch = kIndex / khw, rem = kIndex - ch * khw;
            int ky = rem / g.KernelW, kx = rem - ky * g.KernelW;
            float* plane = image + (long)ch * g.InH * g.InW;
            int yOff = ky * g.DilationH - g.PadTop, xOff = kx * g.DilationW - g.PadLeft;
            float* row = dst + kk * ldb - r0;
            int n = r0;
            int oy = n / g.OutW, ox = n - oy * g.OutW;
            while (n < nEnd)
            {
                int run = Math.Min(g.OutW - ox, nEnd - n);
                FillRun(row + n, plane, oy * g.StrideH + yOff, ox * g.StrideW + xOff, run);
                n += run;
                ox = 0;
                oy++;
            }
        }
    }

    /// <summary>d[t] = image row iy at column ix + t·strideW (0 outside the image), t &lt; run.</summary>
    private void FillRun(float* d, float* plane, int iy, int ix, int run)
    {
        var g = _g;
        if ((uint)iy >= (uint)g.InH)
        {
            new Span<float>(d, run).Clear();
            return;
        }
        float* src = plane + (long)iy * g.InW;
        int sx = g.StrideW;
        int lo = ix >= 0 ? 0 : Math.Min(run, (-ix + sx - 1) / sx);
        int hi = g.InW - ix <= 0 ? 0 : Math.Min(run, (g.InW - ix + sx - 1) / sx);
        if (hi < lo) hi = lo;
        for (int t = 0; t < lo; t++) d[t] = 0f;
        for (int t = hi; t < run; t++) d[t] = 0f;
        int len = hi - lo;
        if (len <= 0) return;
        float* s0 = src + ix + (long)sx * lo;
        if (sx == 1) CopyRun(s0, d + lo, len);
        else if (sx == 2) CopyEvenRun(s0, d + lo, len, g.InW - (ix + 2L * lo));
        else for (int t = 0; t < len; t++) d[lo + t] = s0[(long)t * sx];
    }

    public override void Pack(float* dst, int width, int r0, int count, int k0, int kc)
    {
        var g = _g;
        int khw = g.KernelH * g.KernelW;
        int nEnd = Math.Min(r0 + count, g.OutH * g.OutW);
        int padded = (count + width - 1) / width * width;
        for (int kk = 0; kk < kc; kk++)
        {
            int kIndex = k0 + kk;
            int ch = kIndex / khw, rem = kIndex - ch * khw;
            int ky = rem / g.KernelW, kx = rem - ky * g.KernelW;
            float* plane = image + (long)ch * g.InH * g.InW;
            int yOff = ky * g.DilationH - g.PadTop, xOff = kx * g.DilationW - g.PadLeft;
            int n = r0;
            int oy = n / g.OutW, ox = n - oy * g.OutW;
            while (n < nEnd)
            {
                // A run ends at the end of an output row or of a panel; inside it the destination is contiguous.
                int local = n - r0;
                int panelEnd = r0 + (local / width + 1) * width;
                int run = Math.Min(Math.Min(g.OutW - ox, panelEnd - n), nEnd - n);
                float* d = dst + (long)(local / width) * kc * width + (long)kk * width + local % width;
                int iy = oy * g.StrideH + yOff;
                if ((uint)iy >= (uint)g.InH)
                    new Span<float>(d, run).Clear();
                else
                {
                    float* src = plane + (long)iy * g.InW;
                    int ix = ox * g.StrideW + xOff, sx = g.StrideW;
                    int lo = ix >= 0 ? 0 : Math.Min(run, (-ix + sx - 1) / sx);      // positions left of the image
                    int hi = g.InW - ix <= 0 ? 0 : Math.Min(run, (g.InW - ix + sx - 1) / sx);
                    if (hi < lo) hi = lo;
                    for (int t = 0; t < lo; t++) d[t] = 0f;
                    for (int t = hi; t < run; t++) d[t] = 0f;
                    int len = hi - lo;
                    float* s0 = src + ix + (long)sx * lo;
                    if (len > 0)
                    {
                        if (sx == 1) CopyRun(s0, d + lo, len);
                        else if (sx == 2) CopyEvenRun(s0, d + lo, len, g.InW - (ix + 2L * lo));
                        else for (int t = 0; t < len; t++) d[lo + t] = s0[(long)t * sx];
                    }
                }
                n += run;
                ox += run;
                if (ox == g.OutW) { ox = 0; oy++; }
            }
            // Zero the tail of the last, partial panel.
            for (int local = nEnd - r0; local < padded; local++)
                dst[(long)(local / width) * kc * width + (long)kk * width + local % width] = 0f;
        }
    }
}
