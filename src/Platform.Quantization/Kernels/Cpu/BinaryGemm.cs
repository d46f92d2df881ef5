namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// Binary GEMM. BinaryConnect: real activations × binary weights, C[m,n] = α_n·Σ_k s[n,k]·A[m,k].
/// XNOR-Net: both binarized, C[m,n] = α_n·β_m·(K − 2·popcount(a_m XOR w_n)). Then bias and ReLU.
/// </summary>
public static class BinaryGemm
{
    public static void Multiply(int m, ReadOnlySpan<float> a, int lda, BinaryPackedWeights w, Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, bool relu = false, int threads = 1) =>
        BinaryGemmReference.Multiply(m, a, lda, w, c, ldc, bias, relu);

    public static void MultiplyXnor(BinaryActivations a, BinaryPackedWeights w, Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, bool relu = false, int threads = 1) =>
        BinaryGemmReference.MultiplyXnor(a, w, c, ldc, bias, relu);
}
