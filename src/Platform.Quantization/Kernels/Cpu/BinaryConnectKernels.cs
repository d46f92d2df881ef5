using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// BinaryConnect sums Σ_k s[c,k]·a[r,k] for a tile of up to 4 activation rows × 4 weight rows, with no multiply:
/// each weight bit becomes a sign-flip mask (the bit shifted into the lane's sign position), xor-ed into the
/// activation, and the flipped activations are added.
/// </summary>
internal static unsafe class BinaryConnectKernels
{
    public const int Tile = 4;

    /// <summary>
    /// sums[r·4 + c] for activation row r of <paramref name="rows"/> (1 or 4; rows of <paramref name="kp"/> floats,
    /// zero past K) and weight row c of <paramref name="cols"/>; <paramref name="kp"/> = 64·words.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sums(float* a, int kp, int rows, ulong* w, int cols, int words, float* sums)
    {
        if (Avx512F.IsSupported)
        {
            // Missing columns repeat column 0; their sums are dropped.
            ushort* w0 = (ushort*)w, w1 = (ushort*)(cols > 1 ? w + words : w), w2 = (ushort*)(cols > 2 ? w + 2 * words : w), w3 = (ushort*)(cols > 3 ? w + 3 * words : w);
            if (rows == Tile) Tile4x4Avx512(a, kp, w0, w1, w2, w3, sums);
            else
                for (int r = 0; r < rows; r++) Tile1x4Avx512(a + r * kp, kp, w0, w1, w2, w3, sums + r * Tile);
            return;
        }
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                sums[r * Tile + c] = Avx2.IsSupported ? PairAvx2(a + r * kp, kp, (byte*)(w + c * words)) : PairScalar(a + r * kp, kp, w + c * words);
    }

    private static Vector512<uint> Shifts512() => Vector512.Create(31u, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16);

    /// <summary>Sign bit of lane l set where bit l of <paramref name="bits"/> is clear (−1); the lower garbage bits are masked off at the xor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Flips(ushort bits, Vector512<uint> shifts) =>
        Avx512F.ShiftLeftLogicalVariable(Vector512.Create((uint)(ushort)~bits), shifts);

    // a ^ (flips & sign) in one vpternlog.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Signed(Vector512<uint> a, Vector512<uint> flips, Vector512<uint> sign) =>
        Avx512F.TernaryLogic(a, flips, sign, 0x78).AsSingle();

    // Straight to optimized code: a kernel's first calls (a short benchmark, a one-off layer) otherwise run in
    // tier-0/OSR code measured 10× slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x4Avx512(float* a, int kp, ushort* w0, ushort* w1, ushort* w2, ushort* w3, float* sums)
    {
        var shifts = Shifts512();
        var sign = Vector512.Create(0x80000000u);
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        uint* a0 = (uint*)a, a1 = (uint*)(a + kp), a2 = (uint*)(a + 2 * kp), a3 = (uint*)(a + 3 * kp);
        for (int t = 0; t < kp / 16; t++)
        {
            int o = t * 16;
            var x0 = Vector512.Load(a0 + o);
            var x1 = Vector512.Load(a1 + o);
            var x2 = Vector512.Load(a2 + o);
            var x3 = Vector512.Load(a3 + o);
            var f = Flips(w0[t], shifts);
            c00 += Signed(x0, f, sign); c10 += Signed(x1, f, sign); c20 += Signed(x2, f, sign); c30 += Signed(x3, f, sign);
            f = Flips(w1[t], shifts);
            c01 += Signed(x0, f, sign); c11 += Signed(x1, f, sign); c21 += Signed(x2, f, sign); c31 += Signed(x3, f, sign);
            f = Flips(w2[t], shifts);
            c02 += Signed(x0, f, sign); c12 += Signed(x1, f, sign); c22 += Signed(x2, f, sign); c32 += Signed(x3, f, sign);
            f = Flips(w3[t], shifts);
            c03 += Signed(x0, f, sign); c13 += Signed(x1, f, sign); c23 += Signed(x2, f, sign); c33 += Signed(x3, f, sign);
        }
        sums[0] = Vector512.Sum(c00); sums[1] = Vector512.Sum(c01); sums[2] = Vector512.Sum(c02); sums[3] = Vector512.Sum(c03);
        sums[4] = Vector512.Sum(c10); sums[5] = Vector512.Sum(c11); sums[6] = Vector512.Sum(c12); sums[7] = Vector512.Sum(c13);
        sums[8] = Vector512.Sum(c20); sums[9] = Vector512.Sum(c21); sums[10] = Vector512.Sum(c22); sums[11] = Vector512.Sum(c23);
        sums[12] = Vector512.Sum(c30); sums[13] = Vector512.Sum(c31); sums[14] = Vector512.Sum(c32); sums[15] = Vector512.Sum(c33);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x4Avx512(float* a, int kp, ushort* w0, ushort* w1, ushort* w2, ushort* w3, float* sums)
    {
        var shifts = Shifts512();
        var sign = Vector512.Create(0x80000000u);
        // Two accumulators per column hide the add latency that a single row cannot.
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, d0 = default, d1 = default, d2 = default, d3 = default;
        uint* x = (uint*)a;
        int t = 0, steps = kp / 16;
        for (; t + 2 <= steps; t += 2)
        {
            var x0 = Vector512.Load(x + t * 16);
            var x1 = Vector512.Load(x + t * 16 + 16);
            c0 += Signed(x0, Flips(w0[t], shifts), sign); d0 += Signed(x1, Flips(w0[t + 1], shifts), sign);
            c1 += Signed(x0, Flips(w1[t], shifts), sign); d1 += Signed(x1, Flips(w1[t + 1], shifts), sign);
            c2 += Signed(x0, Flips(w2[t], shifts), sign); d2 += Signed(x1, Flips(w2[t + 1], shifts), sign);
            c3 += Signed(x0, Flips(w3[t], shifts), sign); d3 += Signed(x1, Flips(w3[t + 1], shifts), sign);
        }
        for (; t < steps; t++)
        {
            var x0 = Vector512.Load(x + t * 16);
            c0 += Signed(x0, Flips(w0[t], shifts), sign);
            c1 += Signed(x0, Flips(w1[t], shifts), sign);
            c2 += Signed(x0, Flips(w2[t], shifts), sign);
            c3 += Signed(x0, Flips(w3[t], shifts), sign);
        }
        sums[0] = Vector512.Sum(c0 + d0); sums[1] = Vector512.Sum(c1 + d1); sums[2] = Vector512.Sum(c2 + d2); sums[3] = Vector512.Sum(c3 + d3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float PairAvx2(float* a, int kp, byte* bits)
    {
        var shifts = Vector256.Create(31u, 30, 29, 28, 27, 26, 25, 24);
        var sign = Vector256.Create(0x80000000u);
        var acc = Vector256<float>.Zero;
        for (int t = 0; t < kp / 8; t++)
        {
            var flips = Avx2.ShiftLeftLogicalVariable(Vector256.Create((uint)(byte)~bits[t]), shifts) & sign;
            acc += (Vector256.Load((uint*)a + t * 8) ^ flips).AsSingle();
        }
        return Vector256.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float PairScalar(float* a, int kp, ulong* bits)
    {
        float s = 0f;
        for (int p = 0; p < kp; p++) s += ((bits[p / 64] >> (p % 64)) & 1) != 0 ? a[p] : -a[p];
        return s;
    }
}
