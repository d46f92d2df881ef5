using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// Product-quantization GEMM without decompression: per row of A, a table T[j][c] = ⟨A[m, jD:(j+1)D], codeword c⟩
/// for every sub-vector position j and codeword c, then C[m,n] = Σ_j T[j][code(n,j)] (+ bias, ReLU).
/// With rows to spare, each thread takes whole rows (its own table); with fewer rows than threads (GEMV), the
/// threads share one table, built over sub-vector ranges, then split the output channels.
/// </summary>
public static unsafe class PqGemm
{
    private const int B = PqPackedWeights.Block;

    public static void Multiply(int m, ReadOnlySpan<float> a, int lda, PqPackedWeights w, Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, bool relu = false, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(w);
        int n = w.Columns, k = w.Depth;
        Sgemm.CheckSizes(m, n, k);
        Sgemm.CheckOperand("A", a.Length, m, k, lda);
        Sgemm.CheckOperand("C", c.Length, m, n, ldc);
        if (!bias.IsEmpty && bias.Length < n) throw new ArgumentException($"Bias holds {bias.Length} values but the layer has {n} output channels.", nameof(bias));
        if (m == 0 || n == 0) return;
        int per = w.Subvectors, stride = w.TableStride, blocks = (n + B - 1) / B;
        // Lookups (one per output and sub-vector) and table multiply-adds (K per codeword slot) per row.
        long rowWork = (long)n * per + (long)k * stride;
        threads = (int)Math.Clamp(Math.Min(threads, m * rowWork / (64L * 1024)), 1, Math.Max(m, blocks));
        fixed (float* pa = a, pc = c, pb = bias)
        fixed (float* cb = w.CodebookByElement)
        fixed (byte* codes = w.BlockedCodes)
        {
            nint A = (nint)pa, C = (nint)pc, Bi = bias.IsEmpty ? 0 : (nint)pb, Cb = (nint)cb, Co = (nint)codes;
            int d = w.SubvectorLength;
            if (threads == 1 || m >= 2 * threads)
            {
                WorkQueue.Run(m, threads, i =>
                {
                    float* table = Table(per * PqKernels.RowFloats(stride));
                    PqKernels.BuildTable((float*)A + (long)i * lda, d, (float*)Cb, stride, table, 0, per);
                    Outputs(table, stride, per, (byte*)Co, 0, blocks, n, (float*)C + (long)i * ldc, (float*)Bi, relu);
                });
                return;
            }
            float* shared = Table(per * PqKernels.RowFloats(stride));
            nint T = (nint)shared;
            // Units of ≥ 64 table rows or 4 code blocks: smaller ones cost more to hand out than to run.
            int tableUnits = Math.Max(1, Math.Min(threads * 4, per / 64)), outUnits = Math.Max(1, Math.Min(threads * 4, blocks / 4));
            for (int i = 0; i < m; i++)
            {
                float* row = (float*)A + (long)i * lda;
                nint R = (nint)row, Ci = (nint)((float*)C + (long)i * ldc);
                WorkQueue.Run(tableUnits, threads, u =>
                    PqKernels.BuildTable((float*)R, d, (float*)Cb, stride, (float*)T, (int)((long)per * u / tableUnits), (int)((long)per * (u + 1) / tableUnits)));
                WorkQueue.Run(outUnits, threads, u =>
                    Outputs((float*)T, stride, per, (byte*)Co, (int)((long)blocks * u / outUnits), (int)((long)blocks * (u + 1) / outUnits), n, (float*)Ci, (float*)Bi, relu));
            }
        }
    }

    [ThreadStatic] private static float[]? s_table;

    /// <summary>This thread's table buffer (K/D rows of <see cref="PqKernels.RowFloats"/>), pinned, reused across calls.</summary>
    private static float* Table(int length)
    {
        if (s_table is null || s_table.Length < length) s_table = GC.AllocateUninitializedArray<float>(Math.Max(1, length), pinned: true);
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_table));
    }

    [ThreadStatic] private static float[]? s_sums;

    /// <summary>
    /// Channels of code blocks b0..b1. The table is read in runs of sub-vector rows that fit L1 (a whole table of
    /// K/D × 256 floats, 128 KiB at K = 1024, D = 8, would be gathered from L2); each run passes over every block,
    /// adding to the block's sums, so each sum still runs over the sub-vectors in order.
    /// </summary>
    // Straight to optimized code: a kernel's first calls (a short benchmark, a one-off layer) otherwise run in
    // tier-0/OSR code measured 10× slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Outputs(float* table, int stride, int per, byte* codes, int b0, int b1, int n, float* c, float* bias, bool relu)
    {
        int length = (b1 - b0) * B;
        if (s_sums is null || s_sums.Length < length) s_sums = GC.AllocateUninitializedArray<float>(Math.Max(B, length), pinned: true);
        float* sums = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_sums));
        int run = Math.Max(1, L1TableFloats / PqKernels.RowFloats(stride));
        // Once at least, so that K = 0 still zeroes the sums.
        for (int j0 = 0; j0 < per || j0 == 0; j0 += run)
        {
            int j1 = Math.Min(per, j0 + run);
            for (int b = b0; b < b1; b++) PqKernels.Lookup(table, stride, codes + (long)b * per * B, sums + (b - b0) * B, j0, j1);
        }
        for (int b = b0; b < b1; b++)
        {
            int n0 = b * B;
            float* block = sums + (b - b0) * B;
            for (int q = 0; q < B; q++)
            {
                int ch = n0 + PqKernels.ChannelOf(q);
                if (ch >= n) continue;
                float s = block[q];
                if (bias != null) s += bias[ch];
                c[ch] = relu && s < 0f ? 0f : s;
            }
        }
    }

    // 24 KiB of table: half of Zen 5's 48 KiB L1, leaving room for the streaming codes and the sums.
    private const int L1TableFloats = 6 * 1024;
}
