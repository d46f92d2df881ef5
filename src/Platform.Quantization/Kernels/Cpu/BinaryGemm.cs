using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// Binary GEMM. BinaryConnect: real activations × binary weights, C[m,n] = α_n·Σ_k s[n,k]·A[m,k].
/// XNOR-Net: both binarized, C[m,n] = α_n·β_m·(K − 2·popcount(a_m XOR w_n)). Then bias and ReLU.
/// Threads take blocks of <see cref="RowBlock"/>×<see cref="ColumnBlock"/> outputs; inside a block a 4×4 tile
/// reuses each loaded weight vector for 4 activation rows and each activation vector for 4 weight rows, and the
/// block's weight rows (64 × K/8 bytes) stay in L1/L2 while its activation rows pass over them.
/// </summary>
public static unsafe class BinaryGemm
{
    internal const int RowBlock = 64;
    internal const int ColumnBlock = 64;
    private const int T = BinaryXnorKernels.Tile;

    public static void Multiply(int m, ReadOnlySpan<float> a, int lda, BinaryPackedWeights w, Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, bool relu = false, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(w);
        int n = w.Columns, k = w.Depth;
        Sgemm.CheckSizes(m, n, k);
        Sgemm.CheckOperand("A", a.Length, m, k, lda);
        Sgemm.CheckOperand("C", c.Length, m, n, ldc);
        CheckBias(bias, n);
        if (m == 0 || n == 0) return;
        int words = w.WordsPerRow, kp = words * 64;
        fixed (float* pa = a, pc = c, pb = bias)
        fixed (ulong* pw = w.Bits)
        fixed (float* alphas = w.Alphas)
        {
            nint A = (nint)pa, C = (nint)pc, B = bias.IsEmpty ? 0 : (nint)pb, W = (nint)pw, Al = (nint)alphas;
            int rb = (m + RowBlock - 1) / RowBlock, cb = (n + ColumnBlock - 1) / ColumnBlock;
            // Below ~0.5 M multiply-adds per thread the fork costs more than it saves.
            long work = (long)m * n * kp;
            threads = (int)Math.Clamp(Math.Min(threads, work / (512L * 1024)), 1, rb * cb);
            WorkQueue.Run(rb * cb, threads, unit =>
            {
                int i0 = unit / cb * RowBlock, j0 = unit % cb * ColumnBlock;
                ConnectBlock((float*)A, lda, (ulong*)W, words, k, (float*)Al, (float*)C, ldc, (float*)B, relu,
                    i0, Math.Min(m, i0 + RowBlock), j0, Math.Min(n, j0 + ColumnBlock), kp);
            });
        }
    }

    public static void MultiplyXnor(BinaryActivations a, BinaryPackedWeights w, Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, bool relu = false, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(w);
        if (a.Depth != w.Depth) throw new ArgumentException($"Activations have depth {a.Depth} but the weights {w.Depth}.", nameof(a));
        int m = a.Rows, n = w.Columns, k = w.Depth, words = w.WordsPerRow;
        Sgemm.CheckOperand("C", c.Length, m, n, ldc);
        CheckBias(bias, n);
        if (m == 0 || n == 0) return;
        fixed (float* pc = c, pb = bias)
        fixed (ulong* pa = a.Bits, pw = w.Bits)
        fixed (float* alphas = w.Alphas, betas = a.Betas)
        {
            nint A = (nint)pa, C = (nint)pc, B = bias.IsEmpty ? 0 : (nint)pb, W = (nint)pw, Al = (nint)alphas, Be = (nint)betas;
            int rb = (m + RowBlock - 1) / RowBlock, cb = (n + ColumnBlock - 1) / ColumnBlock;
            // The popcount kernel does ~300 bit-MACs per cycle: below ~8 M of them per thread the fork costs more than it saves.
            long work = (long)m * n * words * 64;
            threads = (int)Math.Clamp(Math.Min(threads, work / (8L * 1024 * 1024)), 1, rb * cb);
            WorkQueue.Run(rb * cb, threads, unit =>
            {
                int i0 = unit / cb * RowBlock, j0 = unit % cb * ColumnBlock;
                XnorBlock((ulong*)A, (ulong*)W, words, k, (float*)Al, (float*)Be, (float*)C, ldc, (float*)B, relu,
                    i0, Math.Min(m, i0 + RowBlock), j0, Math.Min(n, j0 + ColumnBlock));
            });
        }
    }

    private static void CheckBias(ReadOnlySpan<float> bias, int n)
    {
        if (!bias.IsEmpty && bias.Length < n) throw new ArgumentException($"Bias holds {bias.Length} values but the layer has {n} output channels.", nameof(bias));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Finish(float s, int j, float* bias, bool relu)
    {
        if (bias != null) s += bias[j];
        return relu && s < 0f ? 0f : s;
    }

    // Straight to optimized code: a kernel's first calls (a short benchmark, a one-off layer) otherwise run in
    // tier-0/OSR code measured 10× slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void XnorBlock(ulong* a, ulong* w, int words, int k, float* alphas, float* betas, float* c, long ldc, float* bias, bool relu,
        int i0, int i1, int j0, int j1)
    {
        const int ld = ColumnBlock + T;
        int* counts = stackalloc int[T * ld];
        for (int i = i0; i < i1; i += T)
        {
            int rows = Math.Min(T, i1 - i), cols = j1 - j0;
            BinaryXnorKernels.Mismatches(a + (long)i * words, rows, w + (long)j0 * words, cols, words, counts, ld);
            for (int r = 0; r < rows; r++)
            {
                float beta = betas[i + r];
                float* cr = c + (i + r) * ldc;
                for (int q = 0; q < cols; q++)
                    // The reference's expression and order: exact agreement.
                    cr[j0 + q] = Finish(alphas[j0 + q] * beta * (k - 2 * counts[r * ld + q]), j0 + q, bias, relu);
            }
        }
    }

    [ThreadStatic] private static float[]? s_rows;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConnectBlock(float* a, int lda, ulong* w, int words, int k, float* alphas, float* c, long ldc, float* bias, bool relu,
        int i0, int i1, int j0, int j1, int kp)
    {
        int length = T * kp;
        if (s_rows is null || s_rows.Length < length) s_rows = GC.AllocateArray<float>(length, pinned: true);
        float* rowsBuf = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_rows));
        float* sums = stackalloc float[T * T];
        for (int i = i0; i < i1; i += T)
        {
            int rows = Math.Min(T, i1 - i);
            // Rows copied to whole 512-bit vectors, zero past K, so the kernel has no tail.
            for (int r = 0; r < rows; r++)
            {
                new ReadOnlySpan<float>(a + (long)(i + r) * lda, k).CopyTo(new Span<float>(rowsBuf + r * kp, k));
                new Span<float>(rowsBuf + r * kp + k, kp - k).Clear();
            }
            for (int j = j0; j < j1; j += T)
            {
                int cols = Math.Min(T, j1 - j);
                BinaryConnectKernels.Sums(rowsBuf, kp, rows, w + (long)j * words, cols, words, sums);
                for (int r = 0; r < rows; r++)
                {
                    float* cr = c + (i + r) * ldc;
                    for (int q = 0; q < cols; q++) cr[j + q] = Finish(alphas[j + q] * sums[r * T + q], j + q, bias, relu);
                }
            }
        }
    }
}
