using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// The few-rows (GEMV) fp32 kernel shared by <see cref="HalfGemm"/> and <see cref="Int4Gemm"/>: acc[i·width + c] +=
/// Σ_k a[i·lda + k]·w[k·width + c] over a block of weights just widened into L1. With one or two rows a register
/// tile would be mostly empty; here each row runs four independent FMA chains over depth instead.
/// </summary>
internal static unsafe class HalfRowKernel
{
    /// <summary>Rows below this go through this kernel; from here the SGEMM register tile (8 rows) pays off.</summary>
    internal const int MaxRows = 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Accumulate(int rows, float* a, long lda, float* w, int width, int kc, float* acc)
    {
        for (int i = 0; i < rows; i++)
        {
            float* ar = a + i * lda, ac = acc + i * width;
            int c = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; c + 16 <= width; c += 16)
                {
                    Vector512<float> s0 = Vector512.Load(ac + c), s1 = default, s2 = default, s3 = default;
                    float* wc = w + c;
                    int k = 0;
                    for (; k + 4 <= kc; k += 4)
                    {
                        s0 = Vector512.FusedMultiplyAdd(Vector512.Create(ar[k]), Vector512.Load(wc + k * width), s0);
                        s1 = Vector512.FusedMultiplyAdd(Vector512.Create(ar[k + 1]), Vector512.Load(wc + (k + 1) * width), s1);
                        s2 = Vector512.FusedMultiplyAdd(Vector512.Create(ar[k + 2]), Vector512.Load(wc + (k + 2) * width), s2);
                        s3 = Vector512.FusedMultiplyAdd(Vector512.Create(ar[k + 3]), Vector512.Load(wc + (k + 3) * width), s3);
                    }
                    for (; k < kc; k++) s0 = Vector512.FusedMultiplyAdd(Vector512.Create(ar[k]), Vector512.Load(wc + k * width), s0);
                    ((s0 + s1) + (s2 + s3)).Store(ac + c);
                }
            if (Vector256.IsHardwareAccelerated)
                for (; c + 8 <= width; c += 8)
                {
                    Vector256<float> s0 = Vector256.Load(ac + c), s1 = default, s2 = default, s3 = default;
                    float* wc = w + c;
                    int k = 0;
                    for (; k + 4 <= kc; k += 4)
                    {
                        s0 = Vector256.FusedMultiplyAdd(Vector256.Create(ar[k]), Vector256.Load(wc + k * width), s0);
                        s1 = Vector256.FusedMultiplyAdd(Vector256.Create(ar[k + 1]), Vector256.Load(wc + (k + 1) * width), s1);
                        s2 = Vector256.FusedMultiplyAdd(Vector256.Create(ar[k + 2]), Vector256.Load(wc + (k + 2) * width), s2);
                        s3 = Vector256.FusedMultiplyAdd(Vector256.Create(ar[k + 3]), Vector256.Load(wc + (k + 3) * width), s3);
                    }
                    for (; k < kc; k++) s0 = Vector256.FusedMultiplyAdd(Vector256.Create(ar[k]), Vector256.Load(wc + k * width), s0);
                    ((s0 + s1) + (s2 + s3)).Store(ac + c);
                }
            if (Vector128.IsHardwareAccelerated)
                for (; c + 4 <= width; c += 4)
                {
                    Vector128<float> s0 = Vector128.Load(ac + c), s1 = default;
                    float* wc = w + c;
                    int k = 0;
                    for (; k + 2 <= kc; k += 2)
                    {
                        s0 += Vector128.Create(ar[k]) * Vector128.Load(wc + k * width);
                        s1 += Vector128.Create(ar[k + 1]) * Vector128.Load(wc + (k + 1) * width);
                    }
                    for (; k < kc; k++) s0 += Vector128.Create(ar[k]) * Vector128.Load(wc + k * width);
                    (s0 + s1).Store(ac + c);
                }
            for (; c < width; c++)
            {
                float s = ac[c];
                for (int k = 0; k < kc; k++) s += ar[k] * w[k * width + c];
                ac[c] = s;
            }
        }
    }
}
