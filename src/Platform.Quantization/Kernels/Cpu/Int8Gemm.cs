namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// int8 GEMM: C[M,N] = Σ_k (A[m,k] − aZero)·(W[n,k] − wZero[n]) with A u8 (or s8) activations and
/// W s8 weights packed as <see cref="Int8PackedWeights"/>; s32 accumulators, or a fused epilogue to fp32 / u8.
/// </summary>
public static class Int8Gemm
{
    /// <summary>Raw s32 result.</summary>
    public static void Multiply(int m, ReadOnlySpan<byte> a, int lda, int aZero, Int8PackedWeights w, Span<int> c, int ldc, int threads = 1) =>
        Int8GemmReference.Multiply(m, a, lda, aZero, w, c, ldc);

    /// <summary>Raw s32 result for signed activations.</summary>
    public static void Multiply(int m, ReadOnlySpan<sbyte> a, int lda, int aZero, Int8PackedWeights w, Span<int> c, int ldc, int threads = 1) =>
        Int8GemmReference.Multiply(m, a, lda, aZero, w, c, ldc);

    /// <summary>Fused epilogue writing fp32.</summary>
    public static void Multiply(int m, ReadOnlySpan<byte> a, int lda, int aZero, Int8PackedWeights w, Int8Epilogue epilogue, Span<float> c, int ldc, int threads = 1) =>
        Int8GemmReference.Multiply(m, a, lda, aZero, w, epilogue, c, ldc);

    /// <summary>Fused epilogue requantizing to u8.</summary>
    public static void Multiply(int m, ReadOnlySpan<byte> a, int lda, int aZero, Int8PackedWeights w, Int8Epilogue epilogue, Span<byte> c, int ldc, int threads = 1) =>
        Int8GemmReference.Multiply(m, a, lda, aZero, w, epilogue, c, ldc);
}
