namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// Product-quantization GEMM without decompression: per row of A, a table T[j][c] = ⟨A[m, jD:(j+1)D], codeword c⟩
/// for every sub-vector position j and codeword c, then C[m,n] = Σ_j T[j][code(n,j)] (+ bias, ReLU).
/// </summary>
public static class PqGemm
{
    public static void Multiply(int m, ReadOnlySpan<float> a, int lda, PqPackedWeights w, Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, bool relu = false, int threads = 1) =>
        PqGemmReference.Multiply(m, a, lda, w, c, ldc, bias, relu);
}
