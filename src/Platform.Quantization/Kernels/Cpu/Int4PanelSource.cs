using System.Runtime.CompilerServices;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// int4 weights as the SGEMM's B operand (N×K): each block SGEMM asks for is dequantized to fp32 once, straight
/// into its packed panels, and reused for every row of A in the block.
/// </summary>
internal sealed unsafe class Int4PanelSource(Int4PackedWeights w, byte* codes, float* scales, byte* zeros) : PanelSource
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Pack(float* dst, int width, int r0, int count, int k0, int kc)
    {
        const int pw = Int4PackedWeights.PanelWidth;
        float* temp = stackalloc float[8 * pw];
        for (int p = 0; p < count; p += width)
        {
            float* panel = dst + (long)(p / width) * kc * width;
            for (int half = 0; half < width; half += pw)
            {
                int col = r0 + p + half;
                if (col >= w.Columns)
                {
                    for (int k = 0; k < kc; k++) new Span<float>(panel + k * width + half, pw).Clear();
                    continue;
                }
                int ip = col / pw;
                int oFirst = k0 / 8, oEnd = (k0 + kc + 7) / 8;
                int o = oFirst;
                // Whole octets go straight into the panel; a block edge inside an octet goes through temp.
                while (o < oEnd)
                {
                    int kStart = o * 8;
                    if (kStart >= k0 && kStart + 8 <= k0 + kc)
                    {
                        int run = 1;
                        while (o + run < oEnd && (o + run) * 8 + 8 <= k0 + kc) run++;
                        Int4Kernels.Dequantize(w, codes, scales, zeros, ip, o, run, panel + (long)(kStart - k0) * width + half, width);
                        o += run;
                        continue;
                    }
                    Int4Kernels.Dequantize(w, codes, scales, zeros, ip, o, 1, temp, pw);
                    for (int t = 0; t < 8; t++)
                    {
                        int k = kStart + t;
                        if (k >= k0 && k < k0 + kc)
                            new ReadOnlySpan<float>(temp + t * pw, pw).CopyTo(new Span<float>(panel + (long)(k - k0) * width + half, pw));
                    }
                    o++;
                }
            }
        }
    }
}
