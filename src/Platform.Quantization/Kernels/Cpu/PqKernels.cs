using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// The two halves of the product-quantization GEMM. Each output is a sum over sub-vectors in the reference's order;
/// table entries are fused multiply-adds on the vector paths, so results agree with <see cref="PqGemmReference"/>
/// to rounding (the scalar path to the bit).
/// </summary>
internal static unsafe class PqKernels
{
    /// <summary>Table rows j0..j1: T[j][c] = ⟨a[jD, jD+D), codeword c⟩ for every codeword slot c &lt; stride.</summary>
    // Straight to optimized code: a kernel's first calls (a short benchmark, a one-off layer) otherwise run in
    // tier-0/OSR code measured 10× slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BuildTable(float* a, int d, float* codebookByElement, int stride, float* table, int j0, int j1)
    {
        for (int j = j0; j < j1; j++)
        {
            float* x = a + (long)j * d;
            float* t = table + (long)j * stride;
            int c = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; c + 64 <= stride; c += 64)
                {
                    Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
                    for (int e = 0; e < d; e++)
                    {
                        var xe = Vector512.Create(x[e]);
                        float* cb = codebookByElement + e * stride + c;
                        s0 = Vector512.FusedMultiplyAdd(xe, Vector512.Load(cb), s0);
                        s1 = Vector512.FusedMultiplyAdd(xe, Vector512.Load(cb + 16), s1);
                        s2 = Vector512.FusedMultiplyAdd(xe, Vector512.Load(cb + 32), s2);
                        s3 = Vector512.FusedMultiplyAdd(xe, Vector512.Load(cb + 48), s3);
                    }
                    s0.Store(t + c); s1.Store(t + c + 16); s2.Store(t + c + 32); s3.Store(t + c + 48);
                }
                for (; c + 16 <= stride; c += 16)
                {
                    Vector512<float> s0 = default;
                    for (int e = 0; e < d; e++) s0 = Vector512.FusedMultiplyAdd(Vector512.Create(x[e]), Vector512.Load(codebookByElement + e * stride + c), s0);
                    s0.Store(t + c);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; c + 32 <= stride; c += 32)
                {
                    Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                    for (int e = 0; e < d; e++)
                    {
                        var xe = Vector256.Create(x[e]);
                        float* cb = codebookByElement + e * stride + c;
                        s0 = Vector256.FusedMultiplyAdd(xe, Vector256.Load(cb), s0);
                        s1 = Vector256.FusedMultiplyAdd(xe, Vector256.Load(cb + 8), s1);
                        s2 = Vector256.FusedMultiplyAdd(xe, Vector256.Load(cb + 16), s2);
                        s3 = Vector256.FusedMultiplyAdd(xe, Vector256.Load(cb + 24), s3);
                    }
                    s0.Store(t + c); s1.Store(t + c + 8); s2.Store(t + c + 16); s3.Store(t + c + 24);
                }
            }
            for (; c < stride; c++)
            {
                float s = 0f;
                for (int e = 0; e < d; e++) s += x[e] * codebookByElement[e * stride + c];
                t[c] = s;
            }
        }
    }

    /// <summary>
    /// out[t] (+)= Σ_{j0 ≤ j &lt; j1} T[j][code(16·block + t, j)] for the 16 channels of one code block (<paramref name="codes"/>
    /// at the block's start, <paramref name="per"/> sub-vectors); adds to <paramref name="output"/> unless j0 = 0.
    /// .NET 10 exposes no 512-bit gather, so the vector path is two 8-lane vgatherdps per block and sub-vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Lookup(float* table, int stride, int per, byte* codes, float* output, int j0, int j1)
    {
        if (Avx2.IsSupported && UseGather)
        {
            Vector256<float> lo = j0 == 0 ? default : Vector256.Load(output), hi = j0 == 0 ? default : Vector256.Load(output + 8);
            for (int j = j0; j < j1; j++)
            {
                float* t = table + (long)j * stride;
                lo += Avx2.GatherVector256(t, Avx2.ConvertToVector256Int32(codes + j * 16), 4);
                hi += Avx2.GatherVector256(t, Avx2.ConvertToVector256Int32(codes + j * 16 + 8), 4);
            }
            lo.Store(output);
            hi.Store(output + 8);
            return;
        }
        if (j0 == 0)
            for (int q = 0; q < 16; q++) output[q] = 0f;
        for (int j = j0; j < j1; j++)
        {
            float* t = table + (long)j * stride;
            byte* cj = codes + j * 16;
            for (int q = 0; q < 16; q++) output[q] += t[cj[q]];
        }
    }

    /// <summary>Set false by the bench to time the gather-free lookup on the same machine.</summary>
    internal static bool UseGather = true;
}
