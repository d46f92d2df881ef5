namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// The right operand of a 2-D convolution as GEMM, packed straight from the image (no column buffer):
/// row n = output position (oy, ox), depth index = (c, ky, kx). Element = x[c, oy·sy − padTop + ky·dy, ox·sx − padLeft + kx·dx], 0 outside.
/// </summary>
internal sealed unsafe class Im2ColPanelSource(float* image, in Conv2DGeometry g) : PanelSource
{
    private readonly Conv2DGeometry _g = g;

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
                    int ix = ox * g.StrideW + xOff;
                    if (g.StrideW == 1)
                    {
                        int lo = Math.Clamp(-ix, 0, run);                // leading positions left of the image
                        int hi = Math.Clamp(g.InW - ix, lo, run);        // first position right of it
                        if (lo > 0) new Span<float>(d, lo).Clear();
                        if (hi > lo) new ReadOnlySpan<float>(src + ix + lo, hi - lo).CopyTo(new Span<float>(d + lo, hi - lo));
                        if (run > hi) new Span<float>(d + hi, run - hi).Clear();
                    }
                    else
                    {
                        for (int t = 0; t < run; t++, ix += g.StrideW)
                            d[t] = (uint)ix < (uint)g.InW ? src[ix] : 0f;
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
