using System.Runtime.CompilerServices;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// fp16/bf16 weights as the SGEMM's B operand: the packed layout already is SGEMM's panel layout in 16 bits, so
/// packing a block is one contiguous widening per panel.
/// </summary>
internal sealed unsafe class HalfPanelSource(HalfPackedWeights w, ushort* data) : PanelSource
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Pack(float* dst, int width, int r0, int count, int k0, int kc)
    {
        if (width != HalfPackedWeights.PanelWidth)
            throw new InvalidOperationException($"fp16/bf16 weights are packed in panels of {HalfPackedWeights.PanelWidth} channels; the GEMM asked for {width}.");
        for (int p = 0; p < count; p += width)
        {
            int panel = (r0 + p) / width;
            ushort* src = data + ((long)panel * w.Depth + k0) * width;
            HalfConvert.ToSingle(src, dst + (long)(p / width) * kc * width, (long)kc * width, w.Kind == Specs.WeightFormatKind.Bf16);
        }
    }
}
