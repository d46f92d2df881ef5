namespace Platform.Quantization.Kernels.Cpu;

/// <summary>fp16/bf16 weights with fp32 activations and fp32 accumulation: C[M,N] = A[M,K]·Wᵀ (+ bias, ReLU).</summary>
public static class HalfGemm
{
    public static void Multiply(int m, ReadOnlySpan<float> a, int lda, HalfPackedWeights w, Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, bool relu = false, int threads = 1) =>
        HalfGemmReference.Multiply(m, a, lda, w, c, ldc, bias, relu);
}
