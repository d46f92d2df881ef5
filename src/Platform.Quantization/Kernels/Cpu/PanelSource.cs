namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// One operand of a GEMM seen as <c>Rows</c> × <c>Depth</c> (A: M×K, B: N×K), packed on demand into
/// panels of <c>width</c> rows, depth-major inside a panel: dst[p][k][w]. Rows past the end are zero,
/// so the micro-kernel never needs a bounds check.
/// </summary>
internal abstract unsafe class PanelSource
{
    /// <summary>Packs rows [r0, r0+count) (r0 a multiple of width) over depth [k0, k0+kc) into dst.</summary>
    public abstract void Pack(float* dst, int width, int r0, int count, int k0, int kc);

    /// <summary>Already packed panels (weights packed once at load), or null.</summary>
    public virtual PackedMatrix? Prepacked => null;
}
