namespace Platform.Quantization.Kernels.Cpu;

/// <summary>Sizes of one 2-D convolution over a single image and group (pads: top/left; bottom/right only shape the output).</summary>
public readonly record struct Conv2DGeometry(
    int Channels, int InH, int InW, int KernelH, int KernelW, int StrideH, int StrideW,
    int PadTop, int PadLeft, int DilationH, int DilationW, int OutH, int OutW)
{
    public int Depth => Channels * KernelH * KernelW;
    public int OutSize => OutH * OutW;
}
