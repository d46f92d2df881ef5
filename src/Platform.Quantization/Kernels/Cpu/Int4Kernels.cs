using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// The inner loops of <see cref="Int4Gemm"/> over one segment (≤ 32 octets inside one scale group) of one 16-channel
/// panel (layout: <see cref="Int4PackedWeights"/>). Integer paths sum Σ a·(u − z) exactly in s32 and fold it into fp32
/// accumulators acc[row·16 + c] += sum·scale[c] once per segment.
/// </summary>
internal static unsafe class Int4Kernels
{
    internal const int TileRows = 6;

    /// <summary>Which u8-activation path runs; tests force the portable one to cover it on any machine.</summary>
    internal enum IntegerPath { Avx512BW, Vnni, Portable }

    internal static IntegerPath? ForcedPath;

    /// <summary>
    /// Register tiles for many rows: Avx512BW first. vpmaddubsw on zmm with s16 sums added for 4–8 quads before one
    /// vpmaddwd widens them measured 1.35× the ymm vpdpbusd rate here (Zen 5: ~640 vs ~470 GOPS): half the multiplies.
    /// </summary>
    internal static IntegerPath Path => ForcedPath ?? (Avx512BW.IsSupported ? IntegerPath.Avx512BW : AvxVnni.IsSupported ? IntegerPath.Vnni : IntegerPath.Portable);

    /// <summary>Rows of the register tile that starts with <paramref name="remaining"/> rows left.</summary>
    internal static int TileHeight(IntegerPath path, int remaining) => path switch
    {
        IntegerPath.Avx512BW => remaining >= 12 ? 12 : remaining >= 4 ? 4 : 1,
        IntegerPath.Vnni => remaining >= TileRows ? TileRows : remaining >= 4 ? 4 : 1,
        _ => remaining,
    };

    /// <summary>In-register GEMV for few rows (vpdpbusd on the unpacked nibbles, no scratch).</summary>
    internal static bool GemvInRegisters => ForcedPath is null or IntegerPath.Vnni ? AvxVnni.IsSupported : false;

    /// <summary>
    /// Quads whose s16 pair sums can be added before they overflow: |a| ≤ 255 and |w| ≤ 8 (symmetric) or 15, two
    /// products per lane: 8·2·255·8 = 32640 and 4·2·255·15 = 30600, both within 32767.
    /// </summary>
    internal static int Deferral(bool symmetric) => symmetric ? 8 : 4;

    /// <summary>Forces the scalar fp32 dequantization (tests).</summary>
    internal static bool ForceScalarDequant;

    private static readonly byte[] s_transpose = BuildTranspose();

    // vpermb index: byte t·16 + c of the result is byte c·4 + t of an octet half, so each 16-byte quarter holds one depth.
    private static byte[] BuildTranspose()
    {
        var idx = new byte[64];
        for (int t = 0; t < 4; t++)
            for (int c = 0; c < 16; c++) idx[t * 16 + c] = (byte)(c * 4 + t);
        return idx;
    }

    /// <summary>s8 weights w = u − z of <paramref name="octets"/> octets into dst: per octet the low quad's 64 bytes, then the high quad's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void UnpackSegment(byte* codes, int octets, byte* zeroQuads, sbyte* dst)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            var mask = Vector256.Create((byte)0x0F);
            var z0 = zeroQuads == null ? Vector256.Create((byte)8) : Vector256.Load(zeroQuads);
            var z1 = zeroQuads == null ? z0 : Vector256.Load(zeroQuads + 32);
            for (int o = 0; o < octets; o++)
            {
                // The next segment's nibbles: a panel's segments are contiguous, and the compute between two
                // unpacks is too short for the hardware prefetcher to hide a miss to L3 or memory.
                if (Sse.IsSupported) Sse.Prefetch0(codes + (o + octets) * 64);
                var v0 = Vector256.Load(codes + o * 64);
                var v1 = Vector256.Load(codes + o * 64 + 32);
                byte* d = (byte*)dst + o * 128;
                ((v0 & mask) - z0).Store(d);
                ((v1 & mask) - z1).Store(d + 32);
                ((Vector256.ShiftRightLogical(v0.AsUInt16(), 4).AsByte() & mask) - z0).Store(d + 64);
                ((Vector256.ShiftRightLogical(v1.AsUInt16(), 4).AsByte() & mask) - z1).Store(d + 96);
            }
            return;
        }
        for (int o = 0; o < octets; o++)
            for (int b = 0; b < 64; b++)
            {
                int v = codes[o * 64 + b], z = zeroQuads == null ? 8 : zeroQuads[b];
                dst[o * 128 + b] = (sbyte)((v & 15) - z);
                dst[o * 128 + 64 + b] = (sbyte)((v >> 4) - z);
            }
    }

    /// <summary>Six rows × 16 channels over unpacked weights: 12 s32 accumulators (AvxVnni is VEX: 16 ymm registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile6Vnni(byte* a, long lda, long quadStride, sbyte* w, int quads, float* scale, float* acc)
    {
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<int> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        byte* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda;
        for (int q = 0; q < quads; q++)
        {
            var w0 = Vector256.Load(w);
            var w1 = Vector256.Load(w + 32);
            Vector256<byte> x;
            x = Vector256.Create(*(int*)(a0 + q * quadStride)).AsByte(); c00 = AvxVnni.MultiplyWideningAndAdd(c00, x, w0); c01 = AvxVnni.MultiplyWideningAndAdd(c01, x, w1);
            x = Vector256.Create(*(int*)(a1 + q * quadStride)).AsByte(); c10 = AvxVnni.MultiplyWideningAndAdd(c10, x, w0); c11 = AvxVnni.MultiplyWideningAndAdd(c11, x, w1);
            x = Vector256.Create(*(int*)(a2 + q * quadStride)).AsByte(); c20 = AvxVnni.MultiplyWideningAndAdd(c20, x, w0); c21 = AvxVnni.MultiplyWideningAndAdd(c21, x, w1);
            x = Vector256.Create(*(int*)(a3 + q * quadStride)).AsByte(); c30 = AvxVnni.MultiplyWideningAndAdd(c30, x, w0); c31 = AvxVnni.MultiplyWideningAndAdd(c31, x, w1);
            x = Vector256.Create(*(int*)(a4 + q * quadStride)).AsByte(); c40 = AvxVnni.MultiplyWideningAndAdd(c40, x, w0); c41 = AvxVnni.MultiplyWideningAndAdd(c41, x, w1);
            x = Vector256.Create(*(int*)(a5 + q * quadStride)).AsByte(); c50 = AvxVnni.MultiplyWideningAndAdd(c50, x, w0); c51 = AvxVnni.MultiplyWideningAndAdd(c51, x, w1);
            w += 64;
        }
        var s0 = Vector256.Load(scale);
        var s1 = Vector256.Load(scale + 8);
        Fold(acc, c00, c01, s0, s1);
        Fold(acc + 16, c10, c11, s0, s1);
        Fold(acc + 32, c20, c21, s0, s1);
        Fold(acc + 48, c30, c31, s0, s1);
        Fold(acc + 64, c40, c41, s0, s1);
        Fold(acc + 80, c50, c51, s0, s1);
    }

    /// <summary>Four rows × 16 channels: the rows left over from six-row tiles (64 = 10·6 + 4) at nearly full rate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile4Vnni(byte* a, long lda, long quadStride, sbyte* w, int quads, float* scale, float* acc)
    {
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        byte* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        for (int q = 0; q < quads; q++)
        {
            var w0 = Vector256.Load(w);
            var w1 = Vector256.Load(w + 32);
            Vector256<byte> x;
            x = Vector256.Create(*(int*)(a0 + q * quadStride)).AsByte(); c00 = AvxVnni.MultiplyWideningAndAdd(c00, x, w0); c01 = AvxVnni.MultiplyWideningAndAdd(c01, x, w1);
            x = Vector256.Create(*(int*)(a1 + q * quadStride)).AsByte(); c10 = AvxVnni.MultiplyWideningAndAdd(c10, x, w0); c11 = AvxVnni.MultiplyWideningAndAdd(c11, x, w1);
            x = Vector256.Create(*(int*)(a2 + q * quadStride)).AsByte(); c20 = AvxVnni.MultiplyWideningAndAdd(c20, x, w0); c21 = AvxVnni.MultiplyWideningAndAdd(c21, x, w1);
            x = Vector256.Create(*(int*)(a3 + q * quadStride)).AsByte(); c30 = AvxVnni.MultiplyWideningAndAdd(c30, x, w0); c31 = AvxVnni.MultiplyWideningAndAdd(c31, x, w1);
            w += 64;
        }
        var s0 = Vector256.Load(scale);
        var s1 = Vector256.Load(scale + 8);
        Fold(acc, c00, c01, s0, s1);
        Fold(acc + 16, c10, c11, s0, s1);
        Fold(acc + 32, c20, c21, s0, s1);
        Fold(acc + 48, c30, c31, s0, s1);
    }

    /// <summary>
    /// Twelve rows × 16 channels on zmm: 12 s16 and 12 s32 accumulators (24 of the 32 registers). Each quad is one
    /// vpmaddubsw + vpaddw per row; every <paramref name="deferral"/> quads one vpmaddwd + vpaddd widens the s16 sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile12Bw(byte* a, long lda, long quadStride, sbyte* w, int quads, int deferral, float* scale, float* acc)
    {
        Vector512<int> d0 = default, d1 = default, d2 = default, d3 = default, d4 = default, d5 = default;
        Vector512<int> d6 = default, d7 = default, d8 = default, d9 = default, d10 = default, d11 = default;
        var ones = Vector512.Create((short)1);
        for (int q0 = 0; q0 < quads; q0 += deferral)
        {
            Vector512<short> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
            Vector512<short> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
            int end = Math.Min(quads, q0 + deferral);
            for (int q = q0; q < end; q++)
            {
                var wq = Vector512.Load(w + q * 64);
                byte* aq = a + q * quadStride;
                c0 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)aq).AsByte(), wq);
                c1 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(aq + lda)).AsByte(), wq);
                c2 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(aq + 2 * lda)).AsByte(), wq);
                c3 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(aq + 3 * lda)).AsByte(), wq);
                c4 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(aq + 4 * lda)).AsByte(), wq);
                c5 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(aq + 5 * lda)).AsByte(), wq);
                c6 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(aq + 6 * lda)).AsByte(), wq);
                c7 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(aq + 7 * lda)).AsByte(), wq);
                c8 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(aq + 8 * lda)).AsByte(), wq);
                c9 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(aq + 9 * lda)).AsByte(), wq);
                c10 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(aq + 10 * lda)).AsByte(), wq);
                c11 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(aq + 11 * lda)).AsByte(), wq);
            }
            d0 += Avx512BW.MultiplyAddAdjacent(c0, ones); d1 += Avx512BW.MultiplyAddAdjacent(c1, ones);
            d2 += Avx512BW.MultiplyAddAdjacent(c2, ones); d3 += Avx512BW.MultiplyAddAdjacent(c3, ones);
            d4 += Avx512BW.MultiplyAddAdjacent(c4, ones); d5 += Avx512BW.MultiplyAddAdjacent(c5, ones);
            d6 += Avx512BW.MultiplyAddAdjacent(c6, ones); d7 += Avx512BW.MultiplyAddAdjacent(c7, ones);
            d8 += Avx512BW.MultiplyAddAdjacent(c8, ones); d9 += Avx512BW.MultiplyAddAdjacent(c9, ones);
            d10 += Avx512BW.MultiplyAddAdjacent(c10, ones); d11 += Avx512BW.MultiplyAddAdjacent(c11, ones);
        }
        var s = Vector512.Load(scale);
        Fold(acc, d0, s); Fold(acc + 16, d1, s); Fold(acc + 32, d2, s); Fold(acc + 48, d3, s);
        Fold(acc + 64, d4, s); Fold(acc + 80, d5, s); Fold(acc + 96, d6, s); Fold(acc + 112, d7, s);
        Fold(acc + 128, d8, s); Fold(acc + 144, d9, s); Fold(acc + 160, d10, s); Fold(acc + 176, d11, s);
    }

    /// <summary>Four rows of the Avx512BW scheme (rows left over from twelve-row tiles).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile4Bw(byte* a, long lda, long quadStride, sbyte* w, int quads, int deferral, float* scale, float* acc)
    {
        Vector512<int> d0 = default, d1 = default, d2 = default, d3 = default;
        var ones = Vector512.Create((short)1);
        for (int q0 = 0; q0 < quads; q0 += deferral)
        {
            Vector512<short> c0 = default, c1 = default, c2 = default, c3 = default;
            int end = Math.Min(quads, q0 + deferral);
            for (int q = q0; q < end; q++)
            {
                var wq = Vector512.Load(w + q * 64);
                byte* aq = a + q * quadStride;
                c0 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)aq).AsByte(), wq);
                c1 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(aq + lda)).AsByte(), wq);
                c2 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(aq + 2 * lda)).AsByte(), wq);
                c3 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(aq + 3 * lda)).AsByte(), wq);
            }
            d0 += Avx512BW.MultiplyAddAdjacent(c0, ones); d1 += Avx512BW.MultiplyAddAdjacent(c1, ones);
            d2 += Avx512BW.MultiplyAddAdjacent(c2, ones); d3 += Avx512BW.MultiplyAddAdjacent(c3, ones);
        }
        var s = Vector512.Load(scale);
        Fold(acc, d0, s); Fold(acc + 16, d1, s); Fold(acc + 32, d2, s); Fold(acc + 48, d3, s);
    }

    /// <summary>One row of the Avx512BW scheme, even and odd quads in separate chains.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row1Bw(byte* a, sbyte* w, int quads, int deferral, float* scale, float* acc)
    {
        Vector512<int> d = default;
        var ones = Vector512.Create((short)1);
        for (int q0 = 0; q0 < quads; q0 += deferral)
        {
            Vector512<short> e = default, o = default;
            int end = Math.Min(quads, q0 + deferral), q = q0;
            for (; q + 2 <= end; q += 2)
            {
                e += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(a + q * 4)).AsByte(), Vector512.Load(w + q * 64));
                o += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(a + q * 4 + 4)).AsByte(), Vector512.Load(w + q * 64 + 64));
            }
            if (q < end) e += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(a + q * 4)).AsByte(), Vector512.Load(w + q * 64));
            d += Avx512BW.MultiplyAddAdjacent(e, ones) + Avx512BW.MultiplyAddAdjacent(o, ones);
        }
        Fold(acc, d, Vector512.Load(scale));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fold(float* acc, Vector512<int> sums, Vector512<float> scale) =>
        Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(sums), scale, Vector512.Load(acc)).Store(acc);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fold(float* acc, Vector256<int> lo, Vector256<int> hi, Vector256<float> s0, Vector256<float> s1)
    {
        Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(lo), s0, Vector256.Load(acc)).Store(acc);
        Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(hi), s1, Vector256.Load(acc + 8)).Store(acc + 8);
    }

    /// <summary>One row over unpacked weights (rows left over from six-row tiles); even and odd quads in separate chains.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row1Vnni(byte* a, sbyte* w, int quads, float* scale, float* acc)
    {
        Vector256<int> e0 = default, e1 = default, o0 = default, o1 = default;
        int q = 0;
        for (; q + 2 <= quads; q += 2)
        {
            var x = Vector256.Create(*(int*)(a + q * 4)).AsByte();
            var y = Vector256.Create(*(int*)(a + q * 4 + 4)).AsByte();
            e0 = AvxVnni.MultiplyWideningAndAdd(e0, x, Vector256.Load(w));
            e1 = AvxVnni.MultiplyWideningAndAdd(e1, x, Vector256.Load(w + 32));
            o0 = AvxVnni.MultiplyWideningAndAdd(o0, y, Vector256.Load(w + 64));
            o1 = AvxVnni.MultiplyWideningAndAdd(o1, y, Vector256.Load(w + 96));
            w += 128;
        }
        if (q < quads)
        {
            var x = Vector256.Create(*(int*)(a + q * 4)).AsByte();
            e0 = AvxVnni.MultiplyWideningAndAdd(e0, x, Vector256.Load(w));
            e1 = AvxVnni.MultiplyWideningAndAdd(e1, x, Vector256.Load(w + 32));
        }
        Fold(acc, e0 + o0, e1 + o1, Vector256.Load(scale), Vector256.Load(scale + 8));
    }

    /// <summary>
    /// One row times a whole panel straight from the packed nibbles (GEMV: each weight is used once, so it is unpacked
    /// in registers and never stored). Two octets per step in eight chains hide vpdpbusd's latency; each group's s32
    /// sums are scaled into two fp32 accumulators that stay in registers for the whole panel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GemvVnni(byte* a, byte* codes, int octets, int groupOctets, byte* zeroQuads, float* scales, float* acc)
    {
        var mask = Vector256.Create((byte)0x0F);
        var f0 = Vector256.Load(acc);
        var f1 = Vector256.Load(acc + 8);
        var z0 = Vector256.Create((byte)8);
        var z1 = z0;
        for (int g0 = 0, g = 0; g0 < octets; g0 += groupOctets, g++)
        {
            if (zeroQuads != null)
            {
                z0 = Vector256.Load(zeroQuads + g * 64);
                z1 = Vector256.Load(zeroQuads + g * 64 + 32);
            }
            Vector256<int> l0 = default, l1 = default, h0 = default, h1 = default;
            Vector256<int> m0 = default, m1 = default, k0 = default, k1 = default;
            int end = Math.Min(octets, g0 + groupOctets), o = g0;
            for (; o + 2 <= end; o += 2)
            {
                // 4 KiB ahead (latency × bandwidth of memory): one core's demand misses alone do not fill the memory pipe.
                Sse.Prefetch0(codes + o * 64 + 4096);
                Sse.Prefetch0(codes + o * 64 + 4096 + 64);
                var v0 = Vector256.Load(codes + o * 64);
                var v1 = Vector256.Load(codes + o * 64 + 32);
                var v2 = Vector256.Load(codes + o * 64 + 64);
                var v3 = Vector256.Load(codes + o * 64 + 96);
                var x = Vector256.Create(*(int*)(a + o * 8)).AsByte();
                var y = Vector256.Create(*(int*)(a + o * 8 + 4)).AsByte();
                var x2 = Vector256.Create(*(int*)(a + o * 8 + 8)).AsByte();
                var y2 = Vector256.Create(*(int*)(a + o * 8 + 12)).AsByte();
                l0 = AvxVnni.MultiplyWideningAndAdd(l0, x, ((v0 & mask) - z0).AsSByte());
                l1 = AvxVnni.MultiplyWideningAndAdd(l1, x, ((v1 & mask) - z1).AsSByte());
                h0 = AvxVnni.MultiplyWideningAndAdd(h0, y, ((Vector256.ShiftRightLogical(v0.AsUInt16(), 4).AsByte() & mask) - z0).AsSByte());
                h1 = AvxVnni.MultiplyWideningAndAdd(h1, y, ((Vector256.ShiftRightLogical(v1.AsUInt16(), 4).AsByte() & mask) - z1).AsSByte());
                m0 = AvxVnni.MultiplyWideningAndAdd(m0, x2, ((v2 & mask) - z0).AsSByte());
                m1 = AvxVnni.MultiplyWideningAndAdd(m1, x2, ((v3 & mask) - z1).AsSByte());
                k0 = AvxVnni.MultiplyWideningAndAdd(k0, y2, ((Vector256.ShiftRightLogical(v2.AsUInt16(), 4).AsByte() & mask) - z0).AsSByte());
                k1 = AvxVnni.MultiplyWideningAndAdd(k1, y2, ((Vector256.ShiftRightLogical(v3.AsUInt16(), 4).AsByte() & mask) - z1).AsSByte());
            }
            if (o < end)
            {
                var v0 = Vector256.Load(codes + o * 64);
                var v1 = Vector256.Load(codes + o * 64 + 32);
                var x = Vector256.Create(*(int*)(a + o * 8)).AsByte();
                var y = Vector256.Create(*(int*)(a + o * 8 + 4)).AsByte();
                l0 = AvxVnni.MultiplyWideningAndAdd(l0, x, ((v0 & mask) - z0).AsSByte());
                l1 = AvxVnni.MultiplyWideningAndAdd(l1, x, ((v1 & mask) - z1).AsSByte());
                h0 = AvxVnni.MultiplyWideningAndAdd(h0, y, ((Vector256.ShiftRightLogical(v0.AsUInt16(), 4).AsByte() & mask) - z0).AsSByte());
                h1 = AvxVnni.MultiplyWideningAndAdd(h1, y, ((Vector256.ShiftRightLogical(v1.AsUInt16(), 4).AsByte() & mask) - z1).AsSByte());
            }
            f0 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle((l0 + h0) + (m0 + k0)), Vector256.Load(scales + g * 16), f0);
            f1 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle((l1 + h1) + (m1 + k1)), Vector256.Load(scales + g * 16 + 8), f1);
        }
        f0.Store(acc);
        f1.Store(acc + 8);
    }

    /// <summary>Whether <see cref="GemvFloat"/> can run (it widens nibbles with vpermb).</summary>
    internal static bool GemvFloatInRegisters => Vector512.IsHardwareAccelerated && Avx512Vbmi.IsSupported && !ForceScalarDequant;

    /// <summary>
    /// One fp32 row times a whole panel with the nibbles widened to fp32 in registers (no scratch): per octet one
    /// vpermb per half puts each depth's 16 channels in one quarter, then zero-extend, subtract the zero point,
    /// convert and FMA with the broadcast activation in four chains; the group's scale is applied once per group.
    /// <paramref name="a"/> must hold 8·octets values (zero past K).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GemvFloat(float* a, byte* codes, int octets, int groupOctets, byte* zeros, float* scales, float* acc)
    {
        var mask = Vector512.Create((byte)0x0F);
        Vector512<byte> perm;
        fixed (byte* t = s_transpose) perm = Vector512.Load(t);
        var f = Vector512.Load(acc);
        for (int g0 = 0, g = 0; g0 < octets; g0 += groupOctets, g++)
        {
            var z = Avx512F.ConvertToVector512Int32(Vector128.Load(zeros + g * 16));
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            int end = Math.Min(octets, g0 + groupOctets);
            for (int o = g0; o < end; o++)
            {
                Sse.Prefetch0(codes + o * 64 + 4096);
                var v = Vector512.Load(codes + o * 64);
                var lo = Avx512Vbmi.PermuteVar64x8(v & mask, perm);
                var hi = Avx512Vbmi.PermuteVar64x8(Vector512.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & mask, perm);
                float* ao = a + o * 8;
                var l = lo.GetLower();
                var u = lo.GetUpper();
                s0 = Vector512.FusedMultiplyAdd(Widen(l.GetLower(), z), Vector512.Create(ao[0]), s0);
                s1 = Vector512.FusedMultiplyAdd(Widen(l.GetUpper(), z), Vector512.Create(ao[1]), s1);
                s2 = Vector512.FusedMultiplyAdd(Widen(u.GetLower(), z), Vector512.Create(ao[2]), s2);
                s3 = Vector512.FusedMultiplyAdd(Widen(u.GetUpper(), z), Vector512.Create(ao[3]), s3);
                l = hi.GetLower();
                u = hi.GetUpper();
                s0 = Vector512.FusedMultiplyAdd(Widen(l.GetLower(), z), Vector512.Create(ao[4]), s0);
                s1 = Vector512.FusedMultiplyAdd(Widen(l.GetUpper(), z), Vector512.Create(ao[5]), s1);
                s2 = Vector512.FusedMultiplyAdd(Widen(u.GetLower(), z), Vector512.Create(ao[6]), s2);
                s3 = Vector512.FusedMultiplyAdd(Widen(u.GetUpper(), z), Vector512.Create(ao[7]), s3);
            }
            f = Vector512.FusedMultiplyAdd((s0 + s1) + (s2 + s3), Vector512.Load(scales + g * 16), f);
        }
        f.Store(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Widen(Vector128<byte> codes, Vector512<int> zero) =>
        Vector512.ConvertToSingle(Avx512F.ConvertToVector512Int32(codes) - zero);

    /// <summary>Portable: rows × 16 channels over unpacked weights, s32 sums per segment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowsPortable(int rows, byte* a, long lda, sbyte* w, int quads, float* scale, float* acc)
    {
        int* sums = stackalloc int[16];
        for (int r = 0; r < rows; r++)
        {
            byte* ar = a + r * lda;
            for (int c = 0; c < 16; c++) sums[c] = 0;
            for (int q = 0; q < quads; q++)
            {
                int x0 = ar[q * 4], x1 = ar[q * 4 + 1], x2 = ar[q * 4 + 2], x3 = ar[q * 4 + 3];
                sbyte* wq = w + q * 64;
                for (int c = 0; c < 16; c++)
                    sums[c] += x0 * wq[c * 4] + x1 * wq[c * 4 + 1] + x2 * wq[c * 4 + 2] + x3 * wq[c * 4 + 3];
            }
            float* ac = acc + r * 16;
            for (int c = 0; c < 16; c++) ac[c] = MathF.FusedMultiplyAdd(sums[c], scale[c], ac[c]);
        }
    }

    /// <summary>
    /// Dequantized fp32 weights of octets [o0, o0+count) of a panel: row k (relative to 8·o0) at dst + k·ldd holds
    /// the 16 channels. Scales and zero points come from the group of each octet.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dequantize(Int4PackedWeights w, byte* codes, float* scales, byte* zeros, int panel, int o0, int count, float* dst, long ldd)
    {
        int gOct = Math.Max(1, w.KernelGroup / 8);
        int groups = w.Groups;
        if (Vector512.IsHardwareAccelerated && Avx512Vbmi.IsSupported && !ForceScalarDequant)
        {
            var mask = Vector512.Create((byte)0x0F);
            Vector512<byte> perm;
            fixed (byte* t = s_transpose) perm = Vector512.Load(t);
            int group = -1;
            Vector512<int> z = default;
            Vector512<float> s = default;
            for (int o = o0; o < o0 + count; o++)
            {
                int g = w.Groups == 1 ? 0 : o / gOct;
                if (g != group)
                {
                    group = g;
                    int pi = (panel * groups + g) * 16;
                    s = Vector512.Load(scales + pi);
                    z = Avx512F.ConvertToVector512Int32(Vector128.Load(zeros + pi));
                }
                var v = Vector512.Load(codes + ((long)panel * w.Octets + o) * 64);
                var lo = Avx512Vbmi.PermuteVar64x8(v & mask, perm);
                var hi = Avx512Vbmi.PermuteVar64x8(Vector512.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & mask, perm);
                float* d = dst + (o - o0) * 8 * ldd;
                Store(lo, z, s, d, ldd);
                Store(hi, z, s, d + 4 * ldd, ldd);
            }
            return;
        }
        DequantizeScalar(w, codes, scales, zeros, panel, o0, count, dst, ldd);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DequantizeScalar(Int4PackedWeights w, byte* codes, float* scales, byte* zeros, int panel, int o0, int count, float* dst, long ldd)
    {
        int gOct = Math.Max(1, w.KernelGroup / 8);
        int groups = w.Groups;
        float* table = stackalloc float[16 * 16];
        int last = -1;
        for (int o = o0; o < o0 + count; o++)
        {
            int g = w.Groups == 1 ? 0 : o / gOct;
            int pi = (panel * groups + g) * 16;
            if (g != last)
            {
                // 16 values per channel: one lookup per weight instead of a subtract, convert and multiply.
                last = g;
                for (int c = 0; c < 16; c++)
                    for (int u = 0; u < 16; u++) table[c * 16 + u] = (u - zeros[pi + c]) * scales[pi + c];
            }
            byte* src = codes + ((long)panel * w.Octets + o) * 64;
            float* d = dst + (o - o0) * 8 * ldd;
            for (int c = 0; c < 16; c++)
                for (int t = 0; t < 4; t++)
                {
                    int v = src[c * 4 + t];
                    d[t * ldd + c] = table[c * 16 + (v & 15)];
                    d[(t + 4) * ldd + c] = table[c * 16 + (v >> 4)];
                }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<byte> quads, Vector512<int> z, Vector512<float> s, float* d, long ldd)
    {
        var lower = quads.GetLower();
        var upper = quads.GetUpper();
        (Vector512.ConvertToSingle(Avx512F.ConvertToVector512Int32(lower.GetLower()) - z) * s).Store(d);
        (Vector512.ConvertToSingle(Avx512F.ConvertToVector512Int32(lower.GetUpper()) - z) * s).Store(d + ldd);
        (Vector512.ConvertToSingle(Avx512F.ConvertToVector512Int32(upper.GetLower()) - z) * s).Store(d + 2 * ldd);
        (Vector512.ConvertToSingle(Avx512F.ConvertToVector512Int32(upper.GetUpper()) - z) * s).Store(d + 3 * ldd);
    }
}
