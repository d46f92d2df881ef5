using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// Single-precision GEMM: C[M,N] = alpha·op(A)[M,K]·op(B)[K,N] + beta·C, then optional bias
/// (per row of C and/or per column) and ReLU. Row-major with leading dimensions. BLIS-style:
/// the depth is cut into blocks of at most <see cref="MaxBlockDepth"/>, operands are packed into
/// panels (or come pre-packed as <see cref="PackedMatrix"/>) and an 8×32 register tile does the work.
/// Threads take work units (blocks of the C tile grid) from a shared counter; each packs the activations its unit reads.
/// </summary>
public static unsafe class Sgemm
{
    public const int MR = 8;
    public const int NR = 32;
    // A kc×32 B panel (32 KiB at kc=256) stays in Zen 5's 48 KiB L1 while A panels stream from L2.
    internal const int MaxBlockDepth = 256;
    // A MC×kc block (128 KiB) and a kc×NC block (512 KiB) share the 1 MiB L2.
    internal const int MC = 128;
    internal const int NC = 512;

    /// <summary>General entry: plain spans, any transposes.</summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        int threads = 1, ReadOnlySpan<float> rowBias = default, ReadOnlySpan<float> columnBias = default, bool relu = false)
    {
        CheckSizes(m, n, k);
        CheckOperand("A", a.Length, transA ? k : m, transA ? m : k, lda, m > 0 && k > 0);
        CheckOperand("B", b.Length, transB ? n : k, transB ? k : n, ldb, n > 0 && k > 0);
        CheckOperand("C", c.Length, m, n, ldc);
        CheckBias(rowBias, columnBias, m, n);
        fixed (float* pa = a, pb = b, pc = c, rb = rowBias, cb = columnBias)
        {
            var sa = transA ? new StridedPanelSource(pa, 1, lda) : new StridedPanelSource(pa, lda, 1);
            var sb = transB ? new StridedPanelSource(pb, ldb, 1) : new StridedPanelSource(pb, 1, ldb);
            Run(sa, sb, m, n, k, alpha, beta, pc, ldc, rowBias.IsEmpty ? null : rb, columnBias.IsEmpty ? null : cb, relu, threads);
        }
    }

    /// <summary>A pre-packed (weights) times B.</summary>
    public static void Multiply(PackedMatrix a, bool transB, int n, float alpha, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        int threads = 1, ReadOnlySpan<float> rowBias = default, ReadOnlySpan<float> columnBias = default, bool relu = false)
    {
        if (!a.IsLeft) throw new ArgumentException("The packed matrix was packed as a right operand (B), not as A.", nameof(a));
        int m = a.Rows, k = a.Depth;
        CheckSizes(m, n, k);
        CheckOperand("B", b.Length, transB ? n : k, transB ? k : n, ldb, n > 0 && k > 0);
        CheckOperand("C", c.Length, m, n, ldc);
        CheckBias(rowBias, columnBias, m, n);
        fixed (float* pb = b, pc = c, rb = rowBias, cb = columnBias)
        {
            var sb = transB ? new StridedPanelSource(pb, ldb, 1) : new StridedPanelSource(pb, 1, ldb);
            Run(new PackedPanelSource(a), sb, m, n, k, alpha, beta, pc, ldc, rowBias.IsEmpty ? null : rb, columnBias.IsEmpty ? null : cb, relu, threads);
        }
    }

    /// <summary>A times B pre-packed (weights): the MatMul/Gemm layer case, X[M,K]·W[K,N].</summary>
    public static void Multiply(bool transA, int m, float alpha, ReadOnlySpan<float> a, int lda, PackedMatrix b, float beta, Span<float> c, int ldc,
        int threads = 1, ReadOnlySpan<float> rowBias = default, ReadOnlySpan<float> columnBias = default, bool relu = false)
    {
        if (b.IsLeft) throw new ArgumentException("The packed matrix was packed as a left operand (A), not as B.", nameof(b));
        int n = b.Rows, k = b.Depth;
        CheckSizes(m, n, k);
        CheckOperand("A", a.Length, transA ? k : m, transA ? m : k, lda, m > 0 && k > 0);
        CheckOperand("C", c.Length, m, n, ldc);
        CheckBias(rowBias, columnBias, m, n);
        fixed (float* pa = a, pc = c, rb = rowBias, cb = columnBias)
        {
            var sa = transA ? new StridedPanelSource(pa, 1, lda) : new StridedPanelSource(pa, lda, 1);
            Run(sa, new PackedPanelSource(b), m, n, k, alpha, beta, pc, ldc, rowBias.IsEmpty ? null : rb, columnBias.IsEmpty ? null : cb, relu, threads);
        }
    }

    /// <summary>How the depth K is cut: blocks of equal size (the last may be shorter), at most <see cref="MaxBlockDepth"/>.</summary>
    internal static (int Blocks, int BlockDepth) DepthBlocking(int k)
    {
        if (k <= 0) return (0, 1);
        int blocks = (k + MaxBlockDepth - 1) / MaxBlockDepth;
        int kc = (k + blocks - 1) / blocks;
        return (blocks, kc);
    }

    internal static void CheckSizes(int m, int n, int k)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"GEMM sizes must be non-negative (M={m}, N={n}, K={k}).");
    }

    internal static void CheckOperand(string name, int length, int rows, int cols, int ld, bool used = true)
    {
        if (!used || rows == 0 || cols == 0) return;
        if (ld < cols) throw new ArgumentException($"Leading dimension of {name} ({ld}) is smaller than its row length ({cols}).");
        long need = (long)(rows - 1) * ld + cols;
        if (length < need) throw new ArgumentException($"{name} holds {length} floats but a {rows}×{cols} matrix with leading dimension {ld} needs {need}.");
    }

    private static void CheckBias(ReadOnlySpan<float> rowBias, ReadOnlySpan<float> columnBias, int m, int n)
    {
        if (!rowBias.IsEmpty && rowBias.Length < m) throw new ArgumentException($"Row bias holds {rowBias.Length} values but C has {m} rows.");
        if (!columnBias.IsEmpty && columnBias.Length < n) throw new ArgumentException($"Column bias holds {columnBias.Length} values but C has {n} columns.");
    }

    /// <summary>The driver behind every entry; <paramref name="b"/> is seen as N×K.</summary>
    internal static void Run(PanelSource a, PanelSource b, int m, int n, int k, float alpha, float beta, float* c, long ldc,
        float* rowBias, float* colBias, bool relu, int threads)
    {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            ScaleOnly(m, n, beta, c, ldc, rowBias, colBias, relu);
            return;
        }
        int mp = (m + MR - 1) / MR, np = (n + NR - 1) / NR;
        threads = Math.Clamp(threads, 1, mp * np);
        // Below ~1 MFLOP per thread the fork costs more than it saves.
        if ((long)m * n * k < 512L * 1024 * threads) threads = Math.Max(1, (int)((long)m * n * k / (512L * 1024)));
        if (threads <= 1)
        {
            Slice(a, b, 0, m, 0, n, k, alpha, beta, c, ldc, rowBias, colBias, relu);
            return;
        }
        // Activations times weights split over the weights' columns would re-pack the activations in every unit:
        // pack them once, shared, instead.
        if (a.Prepacked is null && b.Prepacked is not null && Grid(mp, np, k, threads, true, false).Item2 > 1)
            a = new PackedPanelSource(PackedMatrix.PackLeftShared(a, m, k, threads));
        (int tm, int tn) = Grid(mp, np, k, threads, a.Prepacked is null, b.Prepacked is null);
        var job = new Job(a, b, m, n, k, alpha, beta, (nint)c, ldc, (nint)rowBias, (nint)colBias, relu, tm, tn, mp, np);
        WorkQueue.Run(tm * tn, threads, job.Execute);
    }

    // Cost model in multiply-adds: packing one element of an operand costs about as much as 16 of them
    // (the kernel does 32 per cycle, im2col about 2 elements), streaming a pre-packed element from L3 about 4,
    // starting a unit about 100k.
    private const double PackCost = 16, ReadCost = 4, UnitCost = 100_000;

    /// <summary>
    /// Cuts the C tile grid into tm×tn work units. Splitting rows re-packs B in every unit and splitting columns
    /// re-packs A, so the split goes along the side whose operand is pre-packed; more, smaller units than threads
    /// let a thread that starts late (busy machine) or runs slow take fewer of them.
    /// </summary>
    internal static (int, int) Grid(int mp, int np, int k, int threads, bool packA, bool packB)
    {
        (int, int) best = (1, 1);
        double bestCost = double.MaxValue;
        int maxUnits = threads * 8;
        for (int tm = 1; tm <= Math.Min(mp, maxUnits); tm++)
            for (int tn = 1; tn <= Math.Min(np, maxUnits / tm); tn++)
            {
                long rows = (long)(mp + tm - 1) / tm * MR, cols = (long)(np + tn - 1) / tn * NR;
                double unit = (double)rows * cols * k + UnitCost
                    + k * (packA ? PackCost : ReadCost) * rows * ((cols + NC - 1) / NC)
                    + k * (packB ? PackCost : ReadCost) * cols * ((rows + MC - 1) / MC);
                int units = tm * tn;
                // Half a unit: the expected imbalance at the end.
                double cost = ((units + threads - 1) / threads + 0.5) * unit;
                if (cost < bestCost) { bestCost = cost; best = (tm, tn); }
            }
        return best;
    }

    private sealed class Job(PanelSource a, PanelSource b, int m, int n, int k, float alpha, float beta, nint c, long ldc,
        nint rowBias, nint colBias, bool relu, int tm, int tn, int mp, int np)
    {
        public void Execute(int w)
        {
            int im = w / tn, jn = w % tn;
            int m0 = (int)((long)mp * im / tm) * MR, m1 = Math.Min(m, (int)((long)mp * (im + 1) / tm) * MR);
            int n0 = (int)((long)np * jn / tn) * NR, n1 = Math.Min(n, (int)((long)np * (jn + 1) / tn) * NR);
            if (m0 >= m1 || n0 >= n1) return;
            Slice(a, b, m0, m1, n0, n1, k, alpha, beta, (float*)c, ldc, (float*)rowBias, (float*)colBias, relu);
        }
    }

    [ThreadStatic] private static float[]? s_packA;
    [ThreadStatic] private static float[]? s_packB;

    private static float* Buffer(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = GC.AllocateUninitializedArray<float>(length, pinned: true);
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
    }

    private static float* DataPointer(PackedMatrix p) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(p.Data));

    /// <summary>Computes C[m0..m1, n0..n1) on the calling thread; m0 is a multiple of MR, n0 of NR.</summary>
    private static void Slice(PanelSource a, PanelSource b, int m0, int m1, int n0, int n1, int k, float alpha, float beta,
        float* c, long ldc, float* rowBias, float* colBias, bool relu)
    {
        (int blocks, int blockDepth) = DepthBlocking(k);
        var pa = a.Prepacked;
        var pb = b.Prepacked;
        float* bufA = pa is null ? Buffer(ref s_packA, MC * blockDepth) : null;
        float* bufB = pb is null ? Buffer(ref s_packB, (NC + 16) * blockDepth) : null;
        float* dataA = pa is null ? null : DataPointer(pa);
        float* dataB = pb is null ? null : DataPointer(pb);
        float* tile = stackalloc float[MR * NR];
        float* tileRowBias = stackalloc float[MR];
        float* tileColBias = stackalloc float[NR];

        for (int nc0 = n0; nc0 < n1; nc0 += NC)
        {
            int nc = Math.Min(NC, n1 - nc0);
            for (int kb = 0; kb < blocks; kb++)
            {
                int k0 = kb * blockDepth, kc = Math.Min(blockDepth, k - k0);
                bool first = kb == 0, last = kb == blocks - 1;
                float blockBeta = first ? beta : 1f;
                float* rb = last ? rowBias : null;
                float* cb = last ? colBias : null;
                bool rl = last && relu;

                float* bp;
                long ldb = NR, panelStride;
                if (pb is not null) { bp = dataB + pb.Offset(kb, nc0 / NR, kc); panelStride = (long)kc * NR; }
                else if (b.PacksRows)
                {
                    // Row-major block; the extra 16 floats keep rows off the L1 set every 2 KiB would alias to.
                    ldb = (nc + NR - 1) / NR * NR + 16;
                    b.PackRows(bufB, ldb, nc0, nc, k0, kc);
                    int tail = (int)(ldb - 16) - nc;
                    if (tail > 0)
                        for (int r = 0; r < kc; r++) new Span<float>(bufB + r * ldb + nc, tail).Clear();
                    bp = bufB;
                    panelStride = NR;
                }
                else { b.Pack(bufB, NR, nc0, nc, k0, kc); bp = bufB; panelStride = (long)kc * NR; }

                for (int mc0 = m0; mc0 < m1; mc0 += MC)
                {
                    int mc = Math.Min(MC, m1 - mc0);
                    float* ap;
                    if (pa is null) { a.Pack(bufA, MR, mc0, mc, k0, kc); ap = bufA; }
                    else ap = dataA + pa.Offset(kb, mc0 / MR, kc);

                    for (int j = 0; j < nc; j += NR)
                    {
                        int cols = Math.Min(NR, nc - j);
                        float* bPanel = bp + (j / NR) * panelStride;
                        for (int i = 0; i < mc; i += MR)
                        {
                            int rows = Math.Min(MR, mc - i);
                            float* aPanel = ap + (long)(i / MR) * kc * MR;
                            int row = mc0 + i, col = nc0 + j;
                            float* ct = c + row * ldc + col;
                            if (rows == MR && cols == NR)
                            {
                                SgemmKernels.Tile(kc, aPanel, bPanel, ldb, ct, ldc, alpha, blockBeta,
                                    rb == null ? null : rb + row, cb == null ? null : cb + col, rl);
                                continue;
                            }
                            // Edge tile: run the full kernel on a scratch tile, copy back what exists.
                            for (int r = 0; r < rows; r++)
                                for (int q = 0; q < cols; q++) tile[r * NR + q] = blockBeta == 0f ? 0f : ct[r * ldc + q];
                            if (rb != null) for (int r = 0; r < MR; r++) tileRowBias[r] = r < rows ? rb[row + r] : 0f;
                            if (cb != null) for (int q = 0; q < NR; q++) tileColBias[q] = q < cols ? cb[col + q] : 0f;
                            SgemmKernels.Tile(kc, aPanel, bPanel, ldb, tile, NR, alpha, blockBeta,
                                rb == null ? null : tileRowBias, cb == null ? null : tileColBias, rl);
                            for (int r = 0; r < rows; r++)
                                for (int q = 0; q < cols; q++) ct[r * ldc + q] = tile[r * NR + q];
                        }
                    }
                }
            }
        }
    }

    private static void ScaleOnly(int m, int n, float beta, float* c, long ldc, float* rowBias, float* colBias, bool relu)
    {
        for (int i = 0; i < m; i++)
        {
            float* row = c + i * ldc;
            for (int j = 0; j < n; j++)
            {
                float v = beta == 0f ? 0f : beta * row[j];
                if (rowBias != null) v += rowBias[i];
                if (colBias != null) v += colBias[j];
                if (relu) v = Math.Max(v, 0f);
                row[j] = v;
            }
        }
    }
}
