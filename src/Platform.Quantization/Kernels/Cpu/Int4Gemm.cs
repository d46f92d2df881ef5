namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// int4 weight GEMM/GEMV: C[M,N] = A[M,K]·Ŵᵀ (+ bias, ReLU) with Ŵ the dequantized int4 weights. A is fp32
/// (weight-only), or u8 codes with per-row scale and zero point (dynamically quantized activations: per group of K
/// the s32 sum Σ(a − za)(q − zq) is scaled by aScale·wScale and accumulated in fp32).
/// </summary>
public static class Int4Gemm
{
    public static void Multiply(int m, ReadOnlySpan<float> a, int lda, Int4PackedWeights w, Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, bool relu = false, int threads = 1) =>
        Int4GemmReference.Multiply(m, a, lda, w, c, ldc, bias, relu);

    public static void Multiply(int m, ReadOnlySpan<byte> a, int lda, ReadOnlySpan<float> rowScales, ReadOnlySpan<int> rowZeroPoints,
        Int4PackedWeights w, Span<float> c, int ldc, ReadOnlySpan<float> bias = default, bool relu = false, int threads = 1) =>
        Int4GemmReference.Multiply(m, a, lda, rowScales, rowZeroPoints, w, c, ldc, bias, relu);
}
