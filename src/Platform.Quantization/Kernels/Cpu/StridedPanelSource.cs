namespace Platform.Quantization.Kernels.Cpu;

/// <summary>A dense matrix addressed as element(r, k) = data[r * rowStride + k * depthStride].</summary>
internal sealed unsafe class StridedPanelSource(float* data, long rowStride, long depthStride) : PanelSource
{
    public override void Pack(float* dst, int width, int r0, int count, int k0, int kc)
    {
        for (int p = 0; p < count; p += width)
        {
            int rows = Math.Min(width, count - p);
            float* panel = dst + (long)(p / width) * kc * width;
            float* src = data + (r0 + p) * rowStride + (long)k0 * depthStride;
            if (rowStride == 1 && rows == width)
            {
                // Rows are contiguous in memory for each depth index: straight copies.
                for (int k = 0; k < kc; k++)
                    new ReadOnlySpan<float>(src + k * depthStride, width).CopyTo(new Span<float>(panel + k * width, width));
            }
            else if (depthStride == 1)
            {
                // Each row is contiguous along depth: read rows sequentially, scatter into the panel.
                for (int r = 0; r < rows; r++)
                {
                    float* s = src + r * rowStride;
                    float* d = panel + r;
                    for (int k = 0; k < kc; k++) d[k * width] = s[k];
                }
                for (int r = rows; r < width; r++)
                    for (int k = 0; k < kc; k++) panel[k * width + r] = 0f;
            }
            else
            {
                for (int k = 0; k < kc; k++)
                {
                    float* s = src + k * depthStride;
                    float* d = panel + k * width;
                    int r = 0;
                    for (; r < rows; r++) d[r] = s[r * rowStride];
                    for (; r < width; r++) d[r] = 0f;
                }
            }
        }
    }
}
