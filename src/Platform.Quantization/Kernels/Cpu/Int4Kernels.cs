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
    internal enum IntegerPath { Vnni, Portable }

    internal static IntegerPath? ForcedPath;

    internal static IntegerPath Path => ForcedPath ?? (AvxVnni.IsSupported ? IntegerPath.Vnni : IntegerPath.Portable);

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
    public static void UnpackSegment(byte* codes, int octets, byte* zeroQuads, sbyte* dst)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            var mask = Vector256.Create((byte)0x0F);
            var z0 = zeroQuads == null ? Vector256.Create((byte)8) : Vector256.Load(zeroQuads);
            var z1 = zeroQuads == null ? z0 : Vector256.Load(zeroQuads + 32);
            for (int o = 0; o < octets; o++)
            {
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
    public static void Tile6Vnni(byte* a, long lda, sbyte* w, int quads, float* scale, float* acc)
    {
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<int> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        byte* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda;
        for (int q = 0; q < quads; q++)
        {
            var w0 = Vector256.Load(w);
            var w1 = Vector256.Load(w + 32);
            Vector256<byte> x;
            x = Vector256.Create(*(int*)(a0 + q * 4)).AsByte(); c00 = AvxVnni.MultiplyWideningAndAdd(c00, x, w0); c01 = AvxVnni.MultiplyWideningAndAdd(c01, x, w1);
            x = Vector256.Create(*(int*)(a1 + q * 4)).AsByte(); c10 = AvxVnni.MultiplyWideningAndAdd(c10, x, w0); c11 = AvxVnni.MultiplyWideningAndAdd(c11, x, w1);
            x = Vector256.Create(*(int*)(a2 + q * 4)).AsByte(); c20 = AvxVnni.MultiplyWideningAndAdd(c20, x, w0); c21 = AvxVnni.MultiplyWideningAndAdd(c21, x, w1);
            x = Vector256.Create(*(int*)(a3 + q * 4)).AsByte(); c30 = AvxVnni.MultiplyWideningAndAdd(c30, x, w0); c31 = AvxVnni.MultiplyWideningAndAdd(c31, x, w1);
            x = Vector256.Create(*(int*)(a4 + q * 4)).AsByte(); c40 = AvxVnni.MultiplyWideningAndAdd(c40, x, w0); c41 = AvxVnni.MultiplyWideningAndAdd(c41, x, w1);
            x = Vector256.Create(*(int*)(a5 + q * 4)).AsByte(); c50 = AvxVnni.MultiplyWideningAndAdd(c50, x, w0); c51 = AvxVnni.MultiplyWideningAndAdd(c51, x, w1);
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
    /// One row straight from the packed nibbles (GEMV: each weight is used once, so it is unpacked in registers and
    /// never stored). Four independent chains hide vpdpbusd's latency.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GemvVnni(byte* a, byte* codes, int octets, byte* zeroQuads, float* scale, float* acc)
    {
        var mask = Vector256.Create((byte)0x0F);
        var z0 = zeroQuads == null ? Vector256.Create((byte)8) : Vector256.Load(zeroQuads);
        var z1 = zeroQuads == null ? z0 : Vector256.Load(zeroQuads + 32);
        Vector256<int> l0 = default, l1 = default, h0 = default, h1 = default;
        for (int o = 0; o < octets; o++)
        {
            var v0 = Vector256.Load(codes);
            var v1 = Vector256.Load(codes + 32);
            var x = Vector256.Create(*(int*)a).AsByte();
            var y = Vector256.Create(*(int*)(a + 4)).AsByte();
            l0 = AvxVnni.MultiplyWideningAndAdd(l0, x, ((v0 & mask) - z0).AsSByte());
            l1 = AvxVnni.MultiplyWideningAndAdd(l1, x, ((v1 & mask) - z1).AsSByte());
            h0 = AvxVnni.MultiplyWideningAndAdd(h0, y, ((Vector256.ShiftRightLogical(v0.AsUInt16(), 4).AsByte() & mask) - z0).AsSByte());
            h1 = AvxVnni.MultiplyWideningAndAdd(h1, y, ((Vector256.ShiftRightLogical(v1.AsUInt16(), 4).AsByte() & mask) - z1).AsSByte());
            codes += 64;
            a += 8;
        }
        Fold(acc, l0 + h0, l1 + h1, Vector256.Load(scale), Vector256.Load(scale + 8));
    }

    /// <summary>Portable: rows × 16 channels over unpacked weights, s32 sums per segment.</summary>
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
        for (int t = 0; t < 4; t++)
        {
            var u = Avx512F.ConvertToVector512Int32(quads.GetElement128(t));
            (Vector512.ConvertToSingle(u - z) * s).Store(d + t * ldd);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> GetElement128(this Vector512<byte> v, int i) => i switch
    {
        0 => v.GetLower().GetLower(),
        1 => v.GetLower().GetUpper(),
        2 => v.GetUpper().GetLower(),
        _ => v.GetUpper().GetUpper(),
    };
}
