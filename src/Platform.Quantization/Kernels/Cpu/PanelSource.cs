namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// One operand of a GEMM seen as <c>Rows</c> × <c>Depth</c> (A: M×K, B: N×K), packed on demand into
/// panels of <c>width</c> rows, depth-major inside a panel: dst[p][k][w]. Rows past the end are zero,
/// so the micro-kernel never needs a bounds check.
/// </summary>
internal abstract unsafe class PanelSource
{
    /// <summary>
    /// Packs rows [r0, r0+count) (r0 a multiple of width) over depth [k0, k0+kc) into dst, zero-filling the last
    /// panel past <c>count</c>. Callers never ask for rows past the source's end: a strided source cannot check.
    /// </summary>
    public abstract void Pack(float* dst, int width, int r0, int count, int k0, int kc);

    /// <summary>
    /// True when the source can fill a row-major block instead (B side): depth rows of <c>count</c> values,
    /// <c>ldb</c> apart. For im2col that is long contiguous copies instead of 32-wide scatter.
    /// </summary>
    public virtual bool PacksRows => false;

    /// <summary>Fills dst[k·ldb + j] = element(r0 + j, k0 + k) for j &lt; count, k &lt; kc.</summary>
    public virtual void PackRows(float* dst, long ldb, int r0, int count, int k0, int kc) => throw new NotSupportedException();

    /// <summary>Already packed panels (weights packed once at load), or null.</summary>
    public virtual PackedMatrix? Prepacked => null;
}
