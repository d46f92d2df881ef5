using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// int8 GEMM: C[M,N] = Σ_k (A[m,k] − aZero)·(W[n,k] − wZero[n]) with A u8 (or s8) activations and
/// W s8 weights packed as <see cref="Int8PackedWeights"/>; s32 accumulators, or a fused epilogue to fp32 / u8.
/// The kernels multiply raw u8·s8 (vpdpbusd); the zero points come back in the store:
/// Σ(a − az)(w − wz) = Σa·w − wz·Σ_k a − az·Σ_k w + K·az·wz, with Σ_k w the packed <see cref="Int8PackedWeights.ColumnSums"/>
/// and Σ_k a summed while A is packed. Signed activations are packed as a + 128 (u8) with az + 128, which leaves
/// every difference unchanged. Threads take blocks of the C tile grid from <see cref="WorkQueue"/>; each packs the
/// A rows its block reads.
/// </summary>
public static unsafe class Int8Gemm
{
    private const int MR = Int8GemmKernels.MR, NR = Int8GemmKernels.NR, KG = Int8GemmKernels.KGroup;
    // An A block (MC rows × K) stays within half of Zen 5's 1 MiB L2 while the 16-channel weight panel it meets
    // (K·16 bytes) sits in L1 for K up to ~2048.
    private const int ABlockBytes = 256 * 1024;
    private const int MaxBlockRows = 40 * MR;
    // The driver's per-tile methods are marked AggressiveOptimization, like the kernels: tier-0 code for them (vector
    // helpers not inlined) ran the first calls of a layer at half speed.

    /// <summary>Raw s32 result.</summary>
    public static void Multiply(int m, ReadOnlySpan<byte> a, int lda, int aZero, Int8PackedWeights w, Span<int> c, int ldc, int threads = 1)
    {
        CheckA(m, a.Length, lda, w);
        CheckC(c.Length, m, w.Columns, ldc, false);
        fixed (byte* pa = a)
        fixed (int* pc = c)
            Run(new Source(pa, lda, 1, false), m, aZero, w, new Target(OutputKind.Int32, pc, ldc, null, null), threads);
    }

    /// <summary>Raw s32 result for signed activations.</summary>
    public static void Multiply(int m, ReadOnlySpan<sbyte> a, int lda, int aZero, Int8PackedWeights w, Span<int> c, int ldc, int threads = 1)
    {
        CheckA(m, a.Length, lda, w);
        CheckC(c.Length, m, w.Columns, ldc, false);
        fixed (sbyte* pa = a)
        fixed (int* pc = c)
            Run(new Source((byte*)pa, lda, 1, true), m, aZero, w, new Target(OutputKind.Int32, pc, ldc, null, null), threads);
    }

    /// <summary>Fused epilogue writing fp32.</summary>
    public static void Multiply(int m, ReadOnlySpan<byte> a, int lda, int aZero, Int8PackedWeights w, Int8Epilogue epilogue, Span<float> c, int ldc, int threads = 1)
    {
        CheckA(m, a.Length, lda, w);
        CheckEpilogue(epilogue, w);
        CheckC(c.Length, m, w.Columns, ldc, epilogue.TransposeOutput);
        fixed (byte* pa = a)
        fixed (float* pc = c)
            Run(m, pa, lda, 1, aZero, w, epilogue, pc, ldc, threads);
    }

    /// <summary>Fused epilogue requantizing to u8.</summary>
    public static void Multiply(int m, ReadOnlySpan<byte> a, int lda, int aZero, Int8PackedWeights w, Int8Epilogue epilogue, Span<byte> c, int ldc, int threads = 1)
    {
        CheckA(m, a.Length, lda, w);
        CheckEpilogue(epilogue, w);
        CheckC(c.Length, m, w.Columns, ldc, epilogue.TransposeOutput);
        fixed (byte* pa = a)
        fixed (byte* pc = c)
            Run(m, pa, lda, 1, aZero, w, epilogue, pc, ldc, threads);
    }

    /// <summary>A with any strides (a convolution's input read in place as [positions, channels]); sizes already checked.</summary>
    internal static void Run(int m, byte* a, long strideM, long strideK, int aZero, Int8PackedWeights w, Int8Epilogue e, float* c, long ldc, int threads)
    {
        fixed (float* scales = e.Scales, bias = e.Bias)
            Run(new Source(a, strideM, strideK, false), m, aZero, w, new Target(OutputKind.Float, c, ldc, scales, bias, e), threads);
    }

    internal static void Run(int m, byte* a, long strideM, long strideK, int aZero, Int8PackedWeights w, Int8Epilogue e, byte* c, long ldc, int threads)
    {
        fixed (float* scales = e.Scales, bias = e.Bias)
            Run(new Source(a, strideM, strideK, false), m, aZero, w, new Target(OutputKind.Byte, c, ldc, scales, bias, e), threads);
    }

    private static void CheckA(int m, int length, int lda, Int8PackedWeights w)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (m < 0) throw new ArgumentException($"int8 GEMM: M must be non-negative (M={m}).");
        int k = w.Depth;
        if (m == 0 || k == 0) return;
        if (lda < k) throw new ArgumentException($"int8 GEMM: the leading dimension of A ({lda}) is smaller than K={k}, the weights' depth.");
        long need = (long)(m - 1) * lda + k;
        if (length < need) throw new ArgumentException($"int8 GEMM: A holds {length} values but {m}×{k} with leading dimension {lda} needs {need}.");
    }

    private static void CheckC(int length, int m, int n, int ldc, bool transposed)
    {
        int rows = transposed ? n : m, cols = transposed ? m : n;
        if (rows == 0 || cols == 0) return;
        if (ldc < cols) throw new ArgumentException($"int8 GEMM: the leading dimension of C ({ldc}) is smaller than its row length ({cols}{(transposed ? ", transposed output" : "")}).");
        long need = (long)(rows - 1) * ldc + cols;
        if (length < need) throw new ArgumentException($"int8 GEMM: C holds {length} values but {rows}×{cols} with leading dimension {ldc} needs {need}.");
    }

    internal static void CheckEpilogue(Int8Epilogue e, Int8PackedWeights w)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Scales is null || e.Scales.Length < w.Columns)
            throw new ArgumentException($"int8 epilogue: {e.Scales?.Length ?? 0} scales for {w.Columns} output channels; give one per channel.");
        if (e.Bias is not null && e.Bias.Length < w.Columns)
            throw new ArgumentException($"int8 epilogue: {e.Bias.Length} biases for {w.Columns} output channels; give one per channel or none.");
    }

    private enum OutputKind { Int32, Float, Byte }

    /// <summary>A[m,k] at Data[m·StrideM + k·StrideK]; Signed: s8 bytes, packed with the sign bit flipped.</summary>
    private readonly struct Source(byte* data, long strideM, long strideK, bool signed)
    {
        public readonly byte* Data = data;
        public readonly long StrideM = strideM, StrideK = strideK;
        public readonly bool Signed = signed;
    }

    private readonly struct Target
    {
        public readonly OutputKind Kind;
        public readonly void* C;
        public readonly long Ldc;
        public readonly float* Scales, Bias;
        public readonly bool Relu, Transpose;
        public readonly float OutputScale, OutputZero;

        public Target(OutputKind kind, void* c, long ldc, float* scales, float* bias, Int8Epilogue? e = null)
        {
            Kind = kind;
            C = c;
            Ldc = ldc;
            Scales = scales;
            Bias = bias;
            Relu = e?.Relu ?? false;
            Transpose = e?.TransposeOutput ?? false;
            OutputScale = e?.OutputScale ?? 1f;
            OutputZero = e?.OutputZeroPoint ?? 0;
        }
    }

    private readonly struct Context(Source a, int aZero, int k, int groups, sbyte* w, sbyte* lo, sbyte* hi, int* columnSums, int* zeroPoints, Target t)
    {
        public readonly Source A = a;
        public readonly int AZero = aZero, K = k, Groups = groups;
        public readonly sbyte* W = w, Lo = lo, Hi = hi;
        public readonly int* ColumnSums = columnSums, ZeroPoints = zeroPoints;
        public readonly Target T = t;
    }

    private static void Run(Source a, int m, int aZero, Int8PackedWeights w, Target t, int threads)
    {
        int n = w.Columns;
        if (m == 0 || n == 0) return;
        if (a.Signed) aZero += 128;
        int mp = (m + MR - 1) / MR, np = (n + NR - 1) / NR;
        threads = Math.Clamp(threads, 1, mp * np);
        // Below ~1M multiply-adds per thread the fork costs more than it saves.
        long work = (long)m * n * Math.Max(1, w.Depth);
        if (work < (1L << 20) * threads) threads = (int)Math.Max(1, work >> 20);
        fixed (sbyte* wp = w.Panels, lo = w.PanelsLow, hi = w.PanelsHigh)
        fixed (int* sums = w.ColumnSums, zps = w.ZeroPoints)
        {
            var x = new Context(a, aZero, w.Depth, w.Groups, wp, lo, hi, sums, zps, t);
            if (threads <= 1)
            {
                Slice(x, 0, m, 0, n);
                return;
            }
            // More units than threads let a thread that starts late on a busy machine take fewer; rows first, since
            // a unit re-packs the A rows it reads while the weights are packed once.
            int target = threads * 4;
            int tm = Math.Min(mp, target), tn = Math.Min(np, (target + tm - 1) / tm);
            var job = new Job(x, m, n, mp, np, tm, tn);
            WorkQueue.Run(tm * tn, threads, job.Execute);
        }
    }

    private sealed class Job(Context x, int m, int n, int mp, int np, int tm, int tn)
    {
        public void Execute(int u)
        {
            int im = u / tn, jn = u % tn;
            int m0 = (int)((long)mp * im / tm) * MR, m1 = Math.Min(m, (int)((long)mp * (im + 1) / tm) * MR);
            int n0 = (int)((long)np * jn / tn) * NR, n1 = Math.Min(n, (int)((long)np * (jn + 1) / tn) * NR);
            if (m0 < m1 && n0 < n1) Slice(x, m0, m1, n0, n1);
        }
    }

    [ThreadStatic] private static byte[]? s_packA;

    private static byte* Buffer(int length)
    {
        if (s_packA is null || s_packA.Length < length) s_packA = GC.AllocateUninitializedArray<byte>(length, pinned: true);
        return (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_packA));
    }

    /// <summary>C[m0..m1, n0..n1) on the calling thread; m0 a multiple of MR, n0 of NR.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Slice(in Context x, int m0, int m1, int n0, int n1)
    {
        int groups = x.Groups, kp = groups * KG;
        int blockRows = Math.Clamp(ABlockBytes / Math.Max(kp, 1) / MR * MR, MR, MaxBlockRows);
        blockRows = Math.Min(blockRows, (m1 - m0 + MR - 1) / MR * MR);
        byte* bufA = Buffer(blockRows * kp + 64);
        int* rowSums = stackalloc int[MaxBlockRows];
        int* tile = stackalloc int[MR * NR];
        int* colTerm = stackalloc int[NR];
        int* wz = stackalloc int[NR];
        bool sums = x.ZeroPoints != null;
        for (int mc0 = m0; mc0 < m1; mc0 += blockRows)
        {
            int mc = Math.Min(blockRows, m1 - mc0);
            PackA(x.A, mc0, mc, x.K, groups, bufA, sums ? rowSums : null);
            for (int j0 = n0; j0 < n1; j0 += NR)
            {
                long off = (long)(j0 / NR) * groups * NR * KG;
                int cols = Math.Min(NR, n1 - j0);
                ColumnTerms(x, j0, cols, colTerm, wz);
                for (int i0 = 0; i0 < mc; i0 += MR)
                {
                    int rows = Math.Min(MR, mc - i0);
                    Int8GemmKernels.Tile(groups, rows, bufA + (long)i0 * kp, x.W + off, x.Lo + off, x.Hi + off, tile);
                    Compensate(tile, rows, colTerm, sums ? wz : null, rowSums + i0);
                    Store(x.T, tile, mc0 + i0, rows, j0, cols);
                }
            }
        }
    }

    /// <summary>Rows [row0, row0+rows) of A into panels of MR rows × groups × 4 bytes (zero-padded); Σ_k a per row if asked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(in Source s, int row0, int rows, int k, int groups, byte* dst, int* rowSums)
    {
        uint flip = s.Signed ? 0x80808080u : 0u;
        byte flipByte = (byte)flip;
        int whole = k / KG, tail = k % KG;
        bool transposed = s.StrideK != 1 && s.StrideM == 1;
        if (transposed) PackTransposed(s, row0, rows, k, groups, dst, flip);
        for (int p0 = 0; p0 < rows; p0 += MR)
        {
            byte* d = dst + (long)p0 * groups * KG;
            int live = Math.Min(MR, rows - p0);
            if (transposed) { }
            else if (s.StrideK == 1)
            {
                for (int r = 0; r < live; r++)
                {
                    byte* src = s.Data + (row0 + p0 + r) * s.StrideM;
                    byte* dr = d + r * KG;
                    for (int g = 0; g < whole; g++)
                        *(uint*)(dr + g * MR * KG) = Unsafe.ReadUnaligned<uint>(src + g * KG) ^ flip;
                    if (tail != 0)
                    {
                        uint v = 0;
                        for (int t = 0; t < tail; t++) v |= (uint)(byte)(src[whole * KG + t] ^ flipByte) << (8 * t);
                        *(uint*)(dr + whole * MR * KG) = v;
                    }
                }
            }
            else
            {
                // Transposed source (channels × positions): walk each channel's positions, contiguous in memory.
                for (int p = 0; p < k; p++)
                {
                    byte* src = s.Data + p * s.StrideK + (row0 + p0) * s.StrideM;
                    byte* dp = d + p / KG * MR * KG + p % KG;
                    for (int r = 0; r < live; r++) dp[r * KG] = (byte)(src[r * s.StrideM] ^ flipByte);
                }
                if (tail != 0)
                    for (int r = 0; r < live; r++)
                        for (int t = tail; t < KG; t++) d[whole * MR * KG + r * KG + t] = 0;
            }
            for (int r = live; r < MR; r++)
                for (int g = 0; g < groups; g++) *(uint*)(d + g * MR * KG + r * KG) = 0;
            if (rowSums != null)
                for (int r = 0; r < live; r++)
                {
                    int sum = 0;
                    byte* dr = d + r * KG;
                    for (int g = 0; g < groups; g++, dr += MR * KG) sum += dr[0] + dr[1] + dr[2] + dr[3];
                    rowSums[p0 + r] = sum;
                }
        }
    }

    /// <summary>
    /// A stored transposed, K rows of M contiguous bytes (a convolution's [channels, positions]): four K rows at a time
    /// are interleaved into dwords (16 positions per step with SSE2 unpacks) and each dword goes to its panel slot.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposed(in Source s, int row0, int rows, int k, int groups, byte* dst, uint flip)
    {
        byte* zeros = stackalloc byte[MaxBlockRows + 16];
        new Span<byte>(zeros, MaxBlockRows + 16).Clear();
        uint* tmp = stackalloc uint[16];
        long panelBytes = (long)groups * MR * KG;
        for (int g = 0; g < groups; g++)
        {
            int kc = Math.Min(KG, k - g * KG);
            byte* c0 = s.Data + (long)(g * KG) * s.StrideK + row0;
            byte* c1 = kc > 1 ? c0 + s.StrideK : zeros;
            byte* c2 = kc > 2 ? c0 + 2 * s.StrideK : zeros;
            byte* c3 = kc > 3 ? c0 + 3 * s.StrideK : zeros;
            // Padding past K stays 0 (not flipped): the row sums read it.
            uint keep = kc == KG ? ~0u : (1u << (8 * kc)) - 1;
            uint fk = flip & keep;
            byte* dg = dst + g * MR * KG;
            int r = 0;
            if (System.Runtime.Intrinsics.X86.Sse2.IsSupported)
            {
                var f = Vector128.Create(fk);
                for (; r + 16 <= rows; r += 16)
                {
                    var a = Vector128.Load(c0 + r);
                    var b = Vector128.Load(c1 + r);
                    var c = Vector128.Load(c2 + r);
                    var d = Vector128.Load(c3 + r);
                    var ab0 = System.Runtime.Intrinsics.X86.Sse2.UnpackLow(a, b).AsInt16();
                    var ab1 = System.Runtime.Intrinsics.X86.Sse2.UnpackHigh(a, b).AsInt16();
                    var cd0 = System.Runtime.Intrinsics.X86.Sse2.UnpackLow(c, d).AsInt16();
                    var cd1 = System.Runtime.Intrinsics.X86.Sse2.UnpackHigh(c, d).AsInt16();
                    (System.Runtime.Intrinsics.X86.Sse2.UnpackLow(ab0, cd0).AsUInt32() ^ f).Store(tmp);
                    (System.Runtime.Intrinsics.X86.Sse2.UnpackHigh(ab0, cd0).AsUInt32() ^ f).Store(tmp + 4);
                    (System.Runtime.Intrinsics.X86.Sse2.UnpackLow(ab1, cd1).AsUInt32() ^ f).Store(tmp + 8);
                    (System.Runtime.Intrinsics.X86.Sse2.UnpackHigh(ab1, cd1).AsUInt32() ^ f).Store(tmp + 12);
                    for (int i = 0; i < 16; i++)
                    {
                        int rr = r + i;
                        *(uint*)(dg + rr / MR * panelBytes + rr % MR * KG) = tmp[i];
                    }
                }
            }
            for (; r < rows; r++)
            {
                uint v = (c0[r] | (uint)c1[r] << 8 | (uint)c2[r] << 16 | (uint)c3[r] << 24) ^ fk;
                *(uint*)(dg + r / MR * panelBytes + r % MR * KG) = v;
            }
        }
    }

    /// <summary>Per channel of the panel: az·Σ_k w − K·az·wz and wz, so that C = acc − colTerm − wz·Σ_k a.</summary>
    private static void ColumnTerms(in Context x, int n0, int cols, int* colTerm, int* wz)
    {
        int az = x.AZero, k = x.K;
        for (int q = 0; q < NR; q++)
        {
            int z = q < cols && x.ZeroPoints != null ? x.ZeroPoints[n0 + q] : 0;
            wz[q] = z;
            colTerm[q] = q < cols ? az * x.ColumnSums[n0 + q] - k * az * z : 0;
        }
    }

    /// <summary>Puts the zero points back into the raw tile (wrapping s32 arithmetic, as the reference's sum wraps).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compensate(int* tile, int rows, int* colTerm, int* wz, int* rowSums)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            var t0 = Vector256.Load(colTerm);
            var t1 = Vector256.Load(colTerm + 8);
            var z0 = wz != null ? Vector256.Load(wz) : default;
            var z1 = wz != null ? Vector256.Load(wz + 8) : default;
            for (int r = 0; r < rows; r++)
            {
                int* t = tile + r * NR;
                var rs = Vector256.Create(wz != null ? rowSums[r] : 0);
                (Vector256.Load(t) - t0 - z0 * rs).Store(t);
                (Vector256.Load(t + 8) - t1 - z1 * rs).Store(t + 8);
            }
            return;
        }
        for (int r = 0; r < rows; r++)
        {
            int rs = wz != null ? rowSums[r] : 0;
            int* t = tile + r * NR;
            for (int q = 0; q < NR; q++) t[q] -= colTerm[q] + (wz != null ? wz[q] * rs : 0);
        }
    }

    /// <summary>Writes the tile through the target's epilogue; transposed output goes through a small scratch tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Store(in Target o, int* tile, int m0, int rows, int n0, int cols)
    {
        bool vector = Vector256.IsHardwareAccelerated;
        switch (o.Kind)
        {
            case OutputKind.Int32:
                for (int r = 0; r < rows; r++)
                {
                    int* dst = (int*)o.C + (m0 + r) * o.Ldc + n0;
                    if (vector && cols == NR)
                    {
                        Vector256.Load(tile + r * NR).Store(dst);
                        Vector256.Load(tile + r * NR + 8).Store(dst + 8);
                    }
                    else
                        for (int q = 0; q < cols; q++) dst[q] = tile[r * NR + q];
                }
                break;
            case OutputKind.Float:
                if (vector && cols == NR && !o.Transpose) StoreFloat256(o, tile, (float*)o.C + m0 * o.Ldc + n0, o.Ldc, rows, n0);
                else if (vector && cols == NR)
                {
                    float* f = stackalloc float[MR * NR];
                    StoreFloat256(o, tile, f, NR, rows, n0);
                    float* c = (float*)o.C + n0 * o.Ldc + m0;
                    for (int q = 0; q < cols; q++, c += o.Ldc)
                        for (int r = 0; r < rows; r++) c[r] = f[r * NR + q];
                }
                else
                    for (int r = 0; r < rows; r++)
                        for (int q = 0; q < cols; q++)
                        {
                            long at = o.Transpose ? (n0 + q) * o.Ldc + m0 + r : (m0 + r) * o.Ldc + n0 + q;
                            ((float*)o.C)[at] = Apply(o, tile[r * NR + q], n0 + q);
                        }
                break;
            default:
                if (vector && cols == NR && !o.Transpose) StoreByte256(o, tile, (byte*)o.C + m0 * o.Ldc + n0, o.Ldc, rows, n0);
                else if (vector && cols == NR)
                {
                    byte* f = stackalloc byte[MR * NR];
                    StoreByte256(o, tile, f, NR, rows, n0);
                    byte* c = (byte*)o.C + n0 * o.Ldc + m0;
                    if (rows == MR)
                        // A channel's six positions as one 4-byte and one 2-byte store instead of six.
                        for (int q = 0; q < cols; q++, c += o.Ldc)
                        {
                            Unsafe.WriteUnaligned(c, f[q] | (uint)f[NR + q] << 8 | (uint)f[2 * NR + q] << 16 | (uint)f[3 * NR + q] << 24);
                            Unsafe.WriteUnaligned(c + 4, (ushort)(f[4 * NR + q] | f[5 * NR + q] << 8));
                        }
                    else
                        for (int q = 0; q < cols; q++, c += o.Ldc)
                            for (int r = 0; r < rows; r++) c[r] = f[r * NR + q];
                }
                else
                    for (int r = 0; r < rows; r++)
                        for (int q = 0; q < cols; q++)
                        {
                            long at = o.Transpose ? (n0 + q) * o.Ldc + m0 + r : (m0 + r) * o.Ldc + n0 + q;
                            ((byte*)o.C)[at] = Requantize(o, Apply(o, tile[r * NR + q], n0 + q));
                        }
                break;
        }
    }

    // Multiply then add, never fused: the reference rounds twice, and u8 outputs on a rounding boundary must agree.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Apply(in Target o, int acc, int n)
    {
        float y = acc * o.Scales[n] + (o.Bias != null ? o.Bias[n] : 0f);
        return o.Relu && y < 0f ? 0f : y;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Requantize(in Target o, float y) => (byte)Math.Clamp(MathF.Round(y / o.OutputScale) + o.OutputZero, 0f, 255f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Apply256(in Target o, int* acc, int n)
    {
        var y = Vector256.ConvertToSingle(Vector256.Load(acc)) * Vector256.Load(o.Scales + n);
        y += o.Bias != null ? Vector256.Load(o.Bias + n) : Vector256<float>.Zero;
        return o.Relu ? Vector256.ConditionalSelect(Vector256.LessThan(y, Vector256<float>.Zero), Vector256<float>.Zero, y) : y;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StoreFloat256(in Target o, int* tile, float* c, long ldc, int rows, int n0)
    {
        for (int r = 0; r < rows; r++)
        {
            float* dst = c + r * ldc;
            Apply256(o, tile + r * NR, n0).Store(dst);
            Apply256(o, tile + r * NR + 8, n0 + 8).Store(dst + 8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StoreByte256(in Target o, int* tile, byte* c, long ldc, int rows, int n0)
    {
        var scale = Vector256.Create(o.OutputScale);
        var zero = Vector256.Create(o.OutputZero);
        var max = Vector256.Create(255f);
        for (int r = 0; r < rows; r++)
        {
            var q0 = Vector256.Round(Apply256(o, tile + r * NR, n0) / scale) + zero;
            var q1 = Vector256.Round(Apply256(o, tile + r * NR + 8, n0 + 8) / scale) + zero;
            q0 = Vector256.Min(Vector256.Max(q0, Vector256<float>.Zero), max);
            q1 = Vector256.Min(Vector256.Max(q1, Vector256<float>.Zero), max);
            var s = Vector256.Narrow(Vector256.ConvertToInt32(q0), Vector256.ConvertToInt32(q1));
            Vector256.Narrow(s, s).AsByte().GetLower().Store(c + r * ldc);
        }
    }
}
