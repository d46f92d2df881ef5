using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// Micro-kernels of <see cref="Int8Gemm"/>: the raw u8·s8 dot products of an MR×NR (6×16) tile, written to an s32
/// tile (row stride NR). A comes as a panel of MR rows, W as a packed panel of NR channels; both hold K in groups of
/// 4 bytes per row (the dword one vpdpbusd multiplies), zero-padded, so every tile is computed whole.
/// </summary>
internal static unsafe class Int8GemmKernels
{
    public const int MR = 6;
    public const int NR = 16;
    public const int KGroup = 4;

    public enum KernelPath { AvxVnni, Avx512BW, Vector256, Vector128, Scalar }

    /// <summary>Chosen once per process: <see cref="Int8PackedWeights"/> packs for it.</summary>
    public static readonly KernelPath Path =
        AvxVnni.IsSupported ? KernelPath.AvxVnni
        : Avx512BW.IsSupported ? KernelPath.Avx512BW
        : Vector256.IsHardwareAccelerated ? KernelPath.Vector256
        : Vector128.IsHardwareAccelerated ? KernelPath.Vector128
        : KernelPath.Scalar;

    /// <summary><paramref name="w"/>: the panel in <see cref="Int8PackedWeights.Panels"/>; lo/hi: the same panel in the split copies (Avx512BW).</summary>
    public static void Tile(int groups, int rows, byte* a, sbyte* w, sbyte* lo, sbyte* hi, int* acc)
    {
        switch (Path)
        {
            case KernelPath.AvxVnni when rows == 1: RowVnni(groups, a, w, acc); break;
            case KernelPath.AvxVnni: TileVnni(groups, a, w, acc); break;
            case KernelPath.Avx512BW: Tile512(groups, a, lo, hi, acc); break;
            case KernelPath.Vector256: Tile256(groups, a, w, acc); break;
            case KernelPath.Vector128: Tile128(groups, a, w, acc); break;
            default: TileScalar(groups, a, w, acc); break;
        }
    }

    // 12 accumulators + 2 weight vectors + 1 broadcast: VEX-encoded vpdpbusd only reaches ymm0–15, and two
    // dot-product pipes need at least 8 independent chains.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TileVnni(int groups, byte* a, sbyte* w, int* acc)
    {
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<int> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int g = 0; g < groups; g++)
        {
            var w0 = Vector256.Load(w);
            var w1 = Vector256.Load(w + 32);
            Vector256<byte> x;
            x = Vector256.Create(*(int*)a).AsByte(); c00 = AvxVnni.MultiplyWideningAndAdd(c00, x, w0); c01 = AvxVnni.MultiplyWideningAndAdd(c01, x, w1);
            x = Vector256.Create(*(int*)(a + 4)).AsByte(); c10 = AvxVnni.MultiplyWideningAndAdd(c10, x, w0); c11 = AvxVnni.MultiplyWideningAndAdd(c11, x, w1);
            x = Vector256.Create(*(int*)(a + 8)).AsByte(); c20 = AvxVnni.MultiplyWideningAndAdd(c20, x, w0); c21 = AvxVnni.MultiplyWideningAndAdd(c21, x, w1);
            x = Vector256.Create(*(int*)(a + 12)).AsByte(); c30 = AvxVnni.MultiplyWideningAndAdd(c30, x, w0); c31 = AvxVnni.MultiplyWideningAndAdd(c31, x, w1);
            x = Vector256.Create(*(int*)(a + 16)).AsByte(); c40 = AvxVnni.MultiplyWideningAndAdd(c40, x, w0); c41 = AvxVnni.MultiplyWideningAndAdd(c41, x, w1);
            x = Vector256.Create(*(int*)(a + 20)).AsByte(); c50 = AvxVnni.MultiplyWideningAndAdd(c50, x, w0); c51 = AvxVnni.MultiplyWideningAndAdd(c51, x, w1);
            a += MR * KGroup;
            w += NR * KGroup;
        }
        c00.Store(acc); c01.Store(acc + 8);
        c10.Store(acc + 16); c11.Store(acc + 24);
        c20.Store(acc + 32); c21.Store(acc + 40);
        c30.Store(acc + 48); c31.Store(acc + 56);
        c40.Store(acc + 64); c41.Store(acc + 72);
        c50.Store(acc + 80); c51.Store(acc + 88);
    }

    /// <summary>
    /// One live row (GEMV, M = 1, or a last row): the 6-row kernel would spend 5/6 of its work on padding. Four groups
    /// in flight keep 8 independent accumulator chains; only row 0 of the tile is written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowVnni(int groups, byte* a, sbyte* w, int* acc)
    {
        Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        int g = 0;
        for (; g + 4 <= groups; g += 4)
        {
            var x0 = Vector256.Create(*(int*)a).AsByte();
            var x1 = Vector256.Create(*(int*)(a + MR * KGroup)).AsByte();
            var x2 = Vector256.Create(*(int*)(a + 2 * MR * KGroup)).AsByte();
            var x3 = Vector256.Create(*(int*)(a + 3 * MR * KGroup)).AsByte();
            c0 = AvxVnni.MultiplyWideningAndAdd(c0, x0, Vector256.Load(w));
            c1 = AvxVnni.MultiplyWideningAndAdd(c1, x0, Vector256.Load(w + 32));
            c2 = AvxVnni.MultiplyWideningAndAdd(c2, x1, Vector256.Load(w + 64));
            c3 = AvxVnni.MultiplyWideningAndAdd(c3, x1, Vector256.Load(w + 96));
            c4 = AvxVnni.MultiplyWideningAndAdd(c4, x2, Vector256.Load(w + 128));
            c5 = AvxVnni.MultiplyWideningAndAdd(c5, x2, Vector256.Load(w + 160));
            c6 = AvxVnni.MultiplyWideningAndAdd(c6, x3, Vector256.Load(w + 192));
            c7 = AvxVnni.MultiplyWideningAndAdd(c7, x3, Vector256.Load(w + 224));
            a += 4 * MR * KGroup;
            w += 4 * NR * KGroup;
        }
        for (; g < groups; g++)
        {
            var x = Vector256.Create(*(int*)a).AsByte();
            c0 = AvxVnni.MultiplyWideningAndAdd(c0, x, Vector256.Load(w));
            c1 = AvxVnni.MultiplyWideningAndAdd(c1, x, Vector256.Load(w + 32));
            a += MR * KGroup;
            w += NR * KGroup;
        }
        (c0 + c2 + (c4 + c6)).Store(acc);
        (c1 + c3 + (c5 + c7)).Store(acc + 8);
    }

    /// <summary>
    /// vpmaddubsw on split weights (w = 16·high + low): a low pair sum is at most 2·255·15 = 7650 and a high one
    /// 2·255·8 = 4080 in magnitude, so four groups add up in s16 without saturating (≤ 30600) before vpmaddwd widens
    /// them (×1 and ×16) into the s32 accumulators. Unsplit, 255·(−128)·2 = −65280 would saturate.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile512(int groups, byte* a, sbyte* lo, sbyte* hi, int* acc)
    {
        Vector512<int> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        var one = Vector512.Create((short)1);
        var sixteen = Vector512.Create((short)16);
        int g = 0;
        while (g < groups)
        {
            int end = Math.Min(groups, g + 4);
            Vector512<short> l0 = default, l1 = default, l2 = default, l3 = default, l4 = default, l5 = default;
            Vector512<short> h0 = default, h1 = default, h2 = default, h3 = default, h4 = default, h5 = default;
            for (; g < end; g++)
            {
                var wl = Vector512.Load(lo);
                var wh = Vector512.Load(hi);
                Vector512<byte> x;
                x = Vector512.Create(*(int*)a).AsByte(); l0 += Avx512BW.MultiplyAddAdjacent(x, wl); h0 += Avx512BW.MultiplyAddAdjacent(x, wh);
                x = Vector512.Create(*(int*)(a + 4)).AsByte(); l1 += Avx512BW.MultiplyAddAdjacent(x, wl); h1 += Avx512BW.MultiplyAddAdjacent(x, wh);
                x = Vector512.Create(*(int*)(a + 8)).AsByte(); l2 += Avx512BW.MultiplyAddAdjacent(x, wl); h2 += Avx512BW.MultiplyAddAdjacent(x, wh);
                x = Vector512.Create(*(int*)(a + 12)).AsByte(); l3 += Avx512BW.MultiplyAddAdjacent(x, wl); h3 += Avx512BW.MultiplyAddAdjacent(x, wh);
                x = Vector512.Create(*(int*)(a + 16)).AsByte(); l4 += Avx512BW.MultiplyAddAdjacent(x, wl); h4 += Avx512BW.MultiplyAddAdjacent(x, wh);
                x = Vector512.Create(*(int*)(a + 20)).AsByte(); l5 += Avx512BW.MultiplyAddAdjacent(x, wl); h5 += Avx512BW.MultiplyAddAdjacent(x, wh);
                a += MR * KGroup;
                lo += NR * KGroup;
                hi += NR * KGroup;
            }
            c0 += Avx512BW.MultiplyAddAdjacent(l0, one) + Avx512BW.MultiplyAddAdjacent(h0, sixteen);
            c1 += Avx512BW.MultiplyAddAdjacent(l1, one) + Avx512BW.MultiplyAddAdjacent(h1, sixteen);
            c2 += Avx512BW.MultiplyAddAdjacent(l2, one) + Avx512BW.MultiplyAddAdjacent(h2, sixteen);
            c3 += Avx512BW.MultiplyAddAdjacent(l3, one) + Avx512BW.MultiplyAddAdjacent(h3, sixteen);
            c4 += Avx512BW.MultiplyAddAdjacent(l4, one) + Avx512BW.MultiplyAddAdjacent(h4, sixteen);
            c5 += Avx512BW.MultiplyAddAdjacent(l5, one) + Avx512BW.MultiplyAddAdjacent(h5, sixteen);
        }
        c0.Store(acc); c1.Store(acc + 16); c2.Store(acc + 32); c3.Store(acc + 48); c4.Store(acc + 64); c5.Store(acc + 80);
    }

    /// <summary>
    /// Portable: u8·s8 products fit s16 exactly (|255·−128| &lt; 32768), widened to s32 per (channel, k mod 4);
    /// the four k lanes of each channel are summed once at the end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile128(int groups, byte* a, sbyte* w, int* acc)
    {
        var part = stackalloc Vector128<int>[MR * NR];
        for (int i = 0; i < MR * NR; i++) part[i] = default;
        for (int g = 0; g < groups; g++)
        {
            for (int q = 0; q < NR / 4; q++)
            {
                var (wl, wh) = Vector128.Widen(Vector128.Load(w + q * 16));
                for (int r = 0; r < MR; r++)
                {
                    var x = Vector128.WidenLower(Vector128.Create(*(uint*)(a + r * 4)).AsByte()).AsInt16();
                    var (p0, p1) = Vector128.Widen(wl * x);
                    var (p2, p3) = Vector128.Widen(wh * x);
                    var dst = part + r * NR + q * 4;
                    dst[0] += p0; dst[1] += p1; dst[2] += p2; dst[3] += p3;
                }
            }
            a += MR * KGroup;
            w += NR * KGroup;
        }
        for (int i = 0; i < MR * NR; i++) acc[i] = Vector128.Sum(part[i]);
    }

    /// <summary>As <see cref="Tile128"/>, two channels × 4 k lanes per s32 vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile256(int groups, byte* a, sbyte* w, int* acc)
    {
        var part = stackalloc Vector256<int>[MR * NR / 2];
        for (int i = 0; i < MR * NR / 2; i++) part[i] = default;
        for (int g = 0; g < groups; g++)
        {
            for (int q = 0; q < NR / 8; q++)
            {
                var (wl, wh) = Vector256.Widen(Vector256.Load(w + q * 32));
                for (int r = 0; r < MR; r++)
                {
                    var x = Vector256.WidenLower(Vector256.Create(*(uint*)(a + r * 4)).AsByte()).AsInt16();
                    var (p0, p1) = Vector256.Widen(wl * x);
                    var (p2, p3) = Vector256.Widen(wh * x);
                    var dst = part + r * (NR / 2) + q * 4;
                    dst[0] += p0; dst[1] += p1; dst[2] += p2; dst[3] += p3;
                }
            }
            a += MR * KGroup;
            w += NR * KGroup;
        }
        for (int i = 0; i < MR * NR / 2; i++)
        {
            acc[2 * i] = Vector128.Sum(part[i].GetLower());
            acc[2 * i + 1] = Vector128.Sum(part[i].GetUpper());
        }
    }

    public static void TileScalar(int groups, byte* a, sbyte* w, int* acc)
    {
        for (int i = 0; i < MR * NR; i++) acc[i] = 0;
        for (int g = 0; g < groups; g++)
        {
            for (int r = 0; r < MR; r++)
                for (int q = 0; q < NR; q++)
                {
                    byte* x = a + r * KGroup;
                    sbyte* y = w + q * KGroup;
                    acc[r * NR + q] += x[0] * y[0] + x[1] * y[1] + x[2] * y[2] + x[3] * y[3];
                }
            a += MR * KGroup;
            w += NR * KGroup;
        }
    }
}
