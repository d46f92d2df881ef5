using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Platform.Quantization.Formats;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// int4 weight GEMM/GEMV: C[M,N] = A[M,K]·Ŵᵀ (+ bias, ReLU) with Ŵ the dequantized int4 weights. A is fp32
/// (weight-only), or u8 codes with per-row scale and zero point (dynamically quantized activations: per group of K
/// the s32 sum Σ(a − za)(q − zq) is scaled by aScale·wScale and accumulated in fp32).
/// </summary>
/// <remarks>
/// Threads split the output channels (16-channel panels); every thread runs all rows, so each weight is read from
/// memory once per call. u8 activations: with fewer than <see cref="Int4Kernels.TileRows"/> rows (GEMV) the nibbles
/// are unpacked in registers and fed to vpdpbusd directly, one pass per panel. With more, each segment (≤ 256 depths
/// of one group) of a panel is unpacked once to s8 in L1 and reused by register tiles over all rows: Avx512BW
/// (12 rows, vpmaddubsw with s16 sums deferred), else AvxVnni (6 rows), else portable; the activations are first
/// packed per tile. fp32 activations: fewer than 8 rows dequantize 256 depths of a panel into L1 and stream them
/// through four FMA chains per row; more rows run the SGEMM with the weights dequantized per block straight into its
/// packed panels. Group sizes that are not a multiple of 8 (with more than one group per row) run the reference.
/// </remarks>
public static unsafe class Int4Gemm
{
    private const int SegmentOctets = 32;

    public static void Multiply(int m, ReadOnlySpan<float> a, int lda, Int4PackedWeights w, Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, bool relu = false, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(w);
        int n = w.Columns, k = w.Depth;
        Check(m, n, k, a.Length, lda, c.Length, ldc, bias);
        if (m == 0 || n == 0) return;
        if (!w.Fast)
        {
            Int4GemmReference.Multiply(m, a, lda, w, c, ldc, bias, relu);
            return;
        }
        threads = Threads(threads, m, n, k, w.Panels);
        fixed (float* pa = a, pc = c, pb = bias, ps = w.Scales)
        fixed (byte* codes = w.Codes, zeros = w.ZeroPoints)
        {
            float* biasPtr = bias.IsEmpty ? null : pb;
            if (m >= HalfRowKernel.MaxRows && k > 0)
            {
                var source = new Int4PanelSource(w, codes, ps, zeros);
                Sgemm.Run(new StridedPanelSource(pa, lda, 1), source, m, n, k, 1f, 0f, pc, ldc, null, biasPtr, relu, threads);
                return;
            }
            var job = new FloatJob(w, m, (nint)pa, lda, (nint)pc, ldc, (nint)biasPtr, relu, (nint)codes, (nint)ps, (nint)zeros);
            int units = Units(w.Panels, threads);
            WorkQueue.Run(units, threads, u => job.Run(w.Panels * u / units, w.Panels * (u + 1) / units));
        }
    }

    public static void Multiply(int m, ReadOnlySpan<byte> a, int lda, ReadOnlySpan<float> rowScales, ReadOnlySpan<int> rowZeroPoints,
        Int4PackedWeights w, Span<float> c, int ldc, ReadOnlySpan<float> bias = default, bool relu = false, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(w);
        int n = w.Columns, k = w.Depth;
        Check(m, n, k, a.Length, lda, c.Length, ldc, bias);
        if (rowScales.Length < m || rowZeroPoints.Length < m)
            throw new ArgumentException($"int4 GEMM with u8 activations: {m} rows need {m} row scales and zero points; got {rowScales.Length} and {rowZeroPoints.Length}.");
        if (m == 0 || n == 0) return;
        if (!w.Fast)
        {
            Int4GemmReference.Multiply(m, a, lda, rowScales, rowZeroPoints, w, c, ldc, bias, relu);
            return;
        }
        // Kernels read whole octets of A: a depth that is not a multiple of 8 reads a zero-padded copy. Register tiles
        // read A packed per tile (quads of all its rows side by side): rows lda = 4096 apart all fall in the same L1
        // sets, and 64 of them evicted each other on every panel.
        byte[]? padded = null;
        int k8 = w.Octets * 8;
        var path = Int4Kernels.Path;
        bool tiles = k > 0 && !(m < Int4Kernels.TileRows && Int4Kernels.GemvInRegisters) && path != Int4Kernels.IntegerPath.Portable;
        if (tiles)
        {
            padded = System.Buffers.ArrayPool<byte>.Shared.Rent(m * k8);
            PackActivations(a, m, k, lda, k8, path, padded);
            lda = k8;
        }
        else if (k8 != k && k > 0)
        {
            padded = System.Buffers.ArrayPool<byte>.Shared.Rent(m * k8);
            for (int i = 0; i < m; i++)
            {
                a.Slice(i * lda, k).CopyTo(padded.AsSpan(i * k8));
                padded.AsSpan(i * k8 + k, k8 - k).Clear();
            }
            lda = k8;
        }
        threads = Threads(threads, m, n, k, w.Panels);
        ReadOnlySpan<byte> src = padded ?? a;
        fixed (byte* pa = src, codes = w.Codes, zeros = w.ZeroPoints, zq = w.ZeroQuads)
        fixed (float* pc = c, pb = bias, ps = w.Scales, rs = rowScales, corr = w.ZeroCorrection)
        fixed (int* rz = rowZeroPoints)
        {
            var job = new IntegerJob(w, path, m, (nint)pa, lda, (nint)rs, (nint)rz, (nint)pc, ldc, (nint)(bias.IsEmpty ? null : pb), relu,
                (nint)codes, (nint)ps, (nint)(w.Symmetric ? null : zq), (nint)corr);
            int units = Units(w.Panels, threads);
            WorkQueue.Run(units, threads, u => job.Run(w.Panels * u / units, w.Panels * (u + 1) / units));
        }
        if (padded is not null) System.Buffers.ArrayPool<byte>.Shared.Return(padded);
    }

    /// <summary>
    /// Tile by tile (heights as <see cref="Int4Kernels.TileHeight"/> cuts m): a tile of r rows starting at row i lives
    /// at i·k8, quad q of its row j at q·4r + 4j; depth past k is zero.
    /// </summary>
    private static void PackActivations(ReadOnlySpan<byte> a, int m, int k, int lda, int k8, Int4Kernels.IntegerPath path, Span<byte> dst)
    {
        for (int i = 0; i < m;)
        {
            int rows = Int4Kernels.TileHeight(path, m - i);
            var tile = dst.Slice(i * k8, rows * k8);
            for (int r = 0; r < rows; r++)
            {
                var row = a.Slice((i + r) * lda, k);
                int q = 0;
                for (; q * 4 + 4 <= k; q++)
                    Unsafe.WriteUnaligned(ref tile[q * 4 * rows + 4 * r], Unsafe.ReadUnaligned<int>(in row[q * 4]));
                for (; q * 4 < k8; q++)
                    for (int t = 0; t < 4; t++) tile[q * 4 * rows + 4 * r + t] = q * 4 + t < k ? row[q * 4 + t] : (byte)0;
            }
            i += rows;
        }
    }

    /// <summary>
    /// Dynamic u8 quantization of activation rows (per-row asymmetric, the range widened to include 0):
    /// q[i·k + x] = clamp(round(a[i·lda + x] / scale_i) + zero_i, 0, 255), as <see cref="QuantParams.FromRange"/> and
    /// <see cref="QuantParams.Quantize"/> define it, so the result equals <see cref="Int4GemmReference.QuantizeRows"/>.
    /// </summary>
    /// <param name="q">m×k codes, row-major with leading dimension k (the lda to pass to <see cref="Multiply(int, ReadOnlySpan{byte}, int, ReadOnlySpan{float}, ReadOnlySpan{int}, Int4PackedWeights, Span{float}, int, ReadOnlySpan{float}, bool, int)"/>).</param>
    public static void QuantizeRows(ReadOnlySpan<float> a, int m, int k, int lda, Span<byte> q, Span<float> scales, Span<int> zeroPoints)
    {
        CheckQuantizeRows(a.Length, m, k, lda, q.Length, scales.Length, zeroPoints.Length);
        for (int i = 0; i < m; i++)
        {
            var row = a.Slice(i * lda, k);
            var dst = q.Slice(i * k, k);
            var (min, max) = Range(row);
            var p = QuantParams.FromRange(min, max, 8, symmetric: false);
            scales[i] = p.Scale;
            zeroPoints[i] = p.ZeroPoint;
            QuantizeRow(row, dst, p);
        }
    }

    internal static void CheckQuantizeRows(int aLength, int m, int k, int lda, int qLength, int scalesLength, int zerosLength)
    {
        Sgemm.CheckSizes(m, 1, k);
        Sgemm.CheckOperand("A", aLength, m, k, lda);
        if (qLength < (long)m * k) throw new ArgumentException($"The u8 output holds {qLength} bytes but {m}×{k} activations need {(long)m * k}.");
        if (scalesLength < m || zerosLength < m) throw new ArgumentException($"{m} rows need {m} scales and zero points; got {scalesLength} and {zerosLength}.");
    }

    /// <summary>(min, max) of a row; NaN or ±∞ cannot be quantized and is reported.</summary>
    private static (float Min, float Max) Range(ReadOnlySpan<float> x)
    {
        float min = 0f, max = 0f;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= 8)
        {
            var vmin = Vector256<float>.Zero;
            var vmax = Vector256<float>.Zero;
            // NaN compares false: x − x is 0 for finite values only, so a non-zero sum flags NaN or ±∞.
            var bad = Vector256<float>.Zero;
            ref float r = ref MemoryMarshal.GetReference(x);
            for (; i + 8 <= x.Length; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref r, (nuint)i);
                vmin = Vector256.Min(vmin, v);
                vmax = Vector256.Max(vmax, v);
                bad |= Vector256.OnesComplement(Vector256.Equals(v - v, Vector256<float>.Zero));
            }
            if (bad != Vector256<float>.Zero) i = 0;
            else
                for (int j = 0; j < 8; j++)
                {
                    min = Math.Min(min, vmin.GetElement(j));
                    max = Math.Max(max, vmax.GetElement(j));
                }
        }
        for (; i < x.Length; i++)
        {
            float v = x[i];
            if (!float.IsFinite(v)) throw new ArgumentException($"Cannot quantize activations: element {i} of a row is {v}.");
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return (min, max);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void QuantizeRow(ReadOnlySpan<float> row, Span<byte> dst, QuantParams p)
    {
        int x = 0, k = row.Length;
        if (Vector256.IsHardwareAccelerated && k >= 32)
        {
            var s = Vector256.Create(p.Scale);
            var z = Vector256.Create((float)p.ZeroPoint);
            var lo = Vector256<float>.Zero;
            var hi = Vector256.Create(255f);
            ref float r = ref MemoryMarshal.GetReference(row);
            ref byte d = ref MemoryMarshal.GetReference(dst);
            for (; x + 32 <= k; x += 32)
            {
                var i0 = Code(Vector256.LoadUnsafe(ref r, (nuint)x), s, z, lo, hi);
                var i1 = Code(Vector256.LoadUnsafe(ref r, (nuint)x + 8), s, z, lo, hi);
                var i2 = Code(Vector256.LoadUnsafe(ref r, (nuint)x + 16), s, z, lo, hi);
                var i3 = Code(Vector256.LoadUnsafe(ref r, (nuint)x + 24), s, z, lo, hi);
                Vector256.Narrow(Vector256.Narrow(i0, i1), Vector256.Narrow(i2, i3)).StoreUnsafe(ref d, (nuint)x);
            }
        }
        for (; x < k; x++) dst[x] = (byte)p.Quantize(row[x]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Code(Vector256<float> v, Vector256<float> s, Vector256<float> z, Vector256<float> lo, Vector256<float> hi) =>
        // Signed conversion: the values are whole numbers in 0..255, and float→uint has no AVX2 instruction.
        Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Vector256.Round(v / s) + z, lo), hi)).AsUInt32();

    private static void Check(int m, int n, int k, int aLength, int lda, int cLength, int ldc, ReadOnlySpan<float> bias)
    {
        Sgemm.CheckSizes(m, n, k);
        Sgemm.CheckOperand("A", aLength, m, k, lda, n > 0 && k > 0);
        Sgemm.CheckOperand("C", cLength, m, n, ldc);
        if (!bias.IsEmpty && bias.Length < n) throw new ArgumentException($"int4 GEMM: the bias holds {bias.Length} values but the weights have {n} output channels.");
    }

    // Below ~1 M multiply-adds per thread the fork costs more than it saves.
    private static int Threads(int threads, int m, int n, int k, int panels)
    {
        long work = (long)m * n * Math.Max(k, 1);
        return Math.Clamp((int)Math.Min(threads, work / (1L << 20)), 1, Math.Max(1, panels));
    }

    // More units than threads so a thread that starts late on a busy machine takes fewer of them.
    private static int Units(int panels, int threads) => threads <= 1 ? 1 : Math.Min(panels, threads * 4);

    [ThreadStatic] private static float[]? s_acc;
    [ThreadStatic] private static float[]? s_scratch;

    private static float* Buffer(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = GC.AllocateUninitializedArray<float>(Math.Max(length, 64), pinned: true);
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
    }

    private static void Store(float* acc, int m, int col0, int cols, float* c, long ldc, float* bias, bool relu, float* rowScale, int* rowZero, float* correction)
    {
        for (int i = 0; i < m; i++)
        {
            float* ci = c + i * ldc + col0;
            float* ai = acc + i * Int4PackedWeights.PanelWidth;
            for (int j = 0; j < cols; j++)
            {
                float v = ai[j];
                if (rowScale != null) v = rowScale[i] * (v - rowZero[i] * correction[j]);
                if (bias != null) v += bias[col0 + j];
                ci[j] = relu && v < 0f ? 0f : v;
            }
        }
    }

    private sealed class IntegerJob(Int4PackedWeights w, Int4Kernels.IntegerPath path, int m, nint a, long lda, nint rowScales, nint rowZeros, nint c, long ldc,
        nint bias, bool relu, nint codes, nint scales, nint zeroQuads, nint correction)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int p0, int p1)
        {
            const int pw = Int4PackedWeights.PanelWidth;
            int groups = w.Groups, octets = w.Octets;
            int gOct = groups == 1 ? octets : w.KernelGroup / 8;
            bool gemv = m < Int4Kernels.TileRows && Int4Kernels.GemvInRegisters;
            int deferral = Int4Kernels.Deferral(w.Symmetric);
            float* acc = Buffer(ref s_acc, m * pw);
            sbyte* scratch = gemv ? null : (sbyte*)Buffer(ref s_scratch, SegmentOctets * 128 / 4);
            byte* pa = (byte*)a;
            for (int p = p0; p < p1; p++)
            {
                new Span<float>(acc, m * pw).Clear();
                byte* panel = (byte*)codes + (long)p * octets * 64;
                if (gemv)
                {
                    byte* zq = zeroQuads == 0 ? null : (byte*)zeroQuads + p * groups * 64;
                    float* scale = (float*)scales + p * groups * pw;
                    for (int i = 0; i < m; i++) Int4Kernels.GemvVnni(pa + i * lda, panel, octets, gOct, zq, scale, acc + i * pw);
                }
                else Tiles(p, panel, acc, scratch, path, deferral);
                int col0 = p * pw;
                Store(acc, m, col0, Math.Min(pw, w.Columns - col0), (float*)c, ldc, (float*)bias, relu,
                    (float*)rowScales, (int*)rowZeros, (float*)correction + col0);
            }
        }

        /// <summary>Many rows: each segment of the panel unpacked once to s8 in L1, then register tiles over all rows.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Tiles(int p, byte* panel, float* acc, sbyte* scratch, Int4Kernels.IntegerPath path, int deferral)
        {
            const int pw = Int4PackedWeights.PanelWidth;
            int groups = w.Groups, octets = w.Octets;
            int gOct = groups == 1 ? octets : w.KernelGroup / 8;
            byte* pa = (byte*)a;
            for (int g = 0; g < groups; g++)
            {
                float* scale = (float*)scales + (p * groups + g) * pw;
                byte* zq = zeroQuads == 0 ? null : (byte*)zeroQuads + (p * groups + g) * 64;
                int gEnd = Math.Min(octets, (g + 1) * gOct);
                for (int o = g * gOct; o < gEnd; o += SegmentOctets)
                {
                    int count = Math.Min(SegmentOctets, gEnd - o);
                    byte* seg = panel + (long)o * 64;
                    Int4Kernels.UnpackSegment(seg, count, zq, scratch);
                    int quads = count * 2;
                    if (path == Int4Kernels.IntegerPath.Portable)
                    {
                        Int4Kernels.RowsPortable(m, pa + o * 8, lda, scratch, quads, scale, acc);
                        continue;
                    }
                    for (int i = 0; i < m;)
                    {
                        // Activations packed per tile (Pack): rows 4 bytes apart, quads 4·rows apart.
                        int rows = Int4Kernels.TileHeight(path, m - i);
                        byte* at = pa + (long)i * lda + (long)o * 8 * rows;
                        float* ai = acc + i * pw;
                        switch (rows)
                        {
                            case 12: Int4Kernels.Tile12Bw(at, 4, 48, scratch, quads, deferral, scale, ai); break;
                            case 6: Int4Kernels.Tile6Vnni(at, 4, 24, scratch, quads, scale, ai); break;
                            case 4 when path == Int4Kernels.IntegerPath.Avx512BW: Int4Kernels.Tile4Bw(at, 4, 16, scratch, quads, deferral, scale, ai); break;
                            case 4: Int4Kernels.Tile4Vnni(at, 4, 16, scratch, quads, scale, ai); break;
                            default:
                                if (path == Int4Kernels.IntegerPath.Avx512BW) Int4Kernels.Row1Bw(at, scratch, quads, deferral, scale, ai);
                                else Int4Kernels.Row1Vnni(at, scratch, quads, scale, ai);
                                break;
                        }
                        i += rows;
                    }
                }
            }
        }
    }

    private sealed class FloatJob(Int4PackedWeights w, int m, nint a, long lda, nint c, long ldc, nint bias, bool relu,
        nint codes, nint scales, nint zeros)
    {
        private const int ChunkOctets = 32;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int p0, int p1)
        {
            const int pw = Int4PackedWeights.PanelWidth;
            float* acc = Buffer(ref s_acc, m * pw);
            float* block = Buffer(ref s_scratch, Math.Max(ChunkOctets * 8 * pw, w.Octets * 8));
            int k = w.Depth;
            bool inRegisters = m == 1 && Int4Kernels.GemvFloatInRegisters;
            if (inRegisters)
            {
                // The row padded to whole octets: the kernel reads 8 values per octet, and past K it must read zeros.
                new ReadOnlySpan<float>((float*)a, k).CopyTo(new Span<float>(block, k));
                new Span<float>(block + k, w.Octets * 8 - k).Clear();
            }
            int groups = w.Groups, gOct = groups == 1 ? w.Octets : w.KernelGroup / 8;
            for (int p = p0; p < p1; p++)
            {
                new Span<float>(acc, m * pw).Clear();
                if (inRegisters)
                {
                    Int4Kernels.GemvFloat(block, (byte*)codes + (long)p * w.Octets * 64, w.Octets, gOct,
                        (byte*)zeros + p * groups * pw, (float*)scales + p * groups * pw, acc);
                    Store(acc, m, p * pw, Math.Min(pw, w.Columns - p * pw), (float*)c, ldc, (float*)bias, relu, null, null, null);
                    continue;
                }
                for (int o = 0; o < w.Octets; o += ChunkOctets)
                {
                    int count = Math.Min(ChunkOctets, w.Octets - o);
                    Int4Kernels.Dequantize(w, (byte*)codes, (float*)scales, (byte*)zeros, p, o, count, block, pw);
                    HalfRowKernel.Accumulate(m, (float*)a + o * 8, lda, block, pw, Math.Min(count * 8, k - o * 8), acc);
                }
                int col0 = p * pw;
                Store(acc, m, col0, Math.Min(pw, w.Columns - col0), (float*)c, ldc, (float*)bias, relu, null, null, null);
            }
        }
    }
}
