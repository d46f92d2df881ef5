namespace Platform.Quantization.Kernels.Cpu;

/// <summary>Adapts a <see cref="PackedMatrix"/> to the driver; it never packs.</summary>
internal sealed unsafe class PackedPanelSource(PackedMatrix matrix) : PanelSource
{
    public override PackedMatrix? Prepacked => matrix;

    public override void Pack(float* dst, int width, int r0, int count, int k0, int kc) =>
        throw new InvalidOperationException("A packed matrix is read in place.");
}
