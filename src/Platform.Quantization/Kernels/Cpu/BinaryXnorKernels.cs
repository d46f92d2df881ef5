using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// Mismatch counts popcount(a XOR w) for a tile of up to 4 activation rows × 4 weight rows of packed bits.
/// .NET 10 has no vector popcount: bytes are counted by a 16-entry nibble lookup (vpshufb) on the low and high
/// nibbles and summed into 64-bit lanes by vpsadbw against zero.
/// </summary>
internal static unsafe class BinaryXnorKernels
{
    public const int Tile = 4;
    // A byte lane gains at most 8 per 512-bit step (4 per nibble); 31 steps stay below 256.
    private const int ChunkSteps = 31;

    /// <summary>
    /// counts[r·ld + c] = mismatches of activation row r (of <paramref name="rows"/>) and weight row c (of
    /// <paramref name="cols"/>); <paramref name="ld"/> ≥ cols rounded up to 4 (tails are computed on repeated
    /// columns and their counts dropped there). One call per 4 activation rows and a whole block of weight rows, so
    /// the per-call work (dispatch, constants) is paid once per block rather than once per 4×4 tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Mismatches(ulong* a, int rows, ulong* w, int cols, int words, int* counts, int ld)
    {
        if (Avx512BW.IsSupported)
        {
            if (rows == Tile)
                for (int c = 0; c < cols; c += 2)
                {
                    ulong* w0 = w + (long)c * words;
                    Tile4x2Avx512(a, w0, c + 1 < cols ? w0 + words : w0, words, counts + c, ld);
                }
            else
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < cols; c += Tile)
                    {
                        // Missing columns repeat the first: a full-width tile, results dropped, is cheaper than a narrower kernel.
                        ulong* w0 = w + (long)c * words;
                        ulong* w1 = c + 1 < cols ? w0 + words : w0, w2 = c + 2 < cols ? w0 + 2 * words : w0, w3 = c + 3 < cols ? w0 + 3 * words : w0;
                        Tile1x4Avx512(a + r * words, w0, w1, w2, w3, words, counts + r * ld + c);
                    }
            return;
        }
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                counts[r * ld + c] = Avx2.IsSupported ? PairAvx2(a + r * words, w + (long)c * words, words) : PairScalar(a + r * words, w + (long)c * words, words);
    }

    // Inlined: called, its result came back through a stack buffer that the loop then reloaded for every shuffle.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> NibbleTable512()
    {
        var t = Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var t2 = Vector256.Create(t, t);
        return Vector512.Create(t2, t2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Count(Vector512<byte> acc, Vector512<byte> a, Vector512<byte> ah, Vector512<byte> w, Vector512<byte> wh,
        Vector512<byte> table, Vector512<byte> nibble)
    {
        // (a ^ w) & 0x0F in one vpternlog; the high nibbles come from a and w shifted once each, outside the pair loop.
        var lo = Avx512F.TernaryLogic(a, w, nibble, 0x28);
        var hi = Avx512F.TernaryLogic(ah, wh, nibble, 0x28);
        return acc + Avx512BW.Shuffle(table, lo) + Avx512BW.Shuffle(table, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> High(Vector512<byte> v) => Avx512BW.ShiftRightLogical(v.AsUInt16(), 4).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Sad(Vector512<byte> acc) => Avx512BW.SumAbsoluteDifferences(acc, Vector512<byte>.Zero).AsUInt64();

    /// <summary>Four per-pair byte sums folded into the 16-bit fields of one vector (each field stays below 2^16 within a chunk), then one horizontal sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(int* counts, Vector512<byte> c0, Vector512<byte> c1, Vector512<byte> c2, Vector512<byte> c3)
    {
        var packed = Sad(c0) | (Sad(c1) << 16) | (Sad(c2) << 32) | (Sad(c3) << 48);
        ulong s = Vector512.Sum(packed);
        counts[0] += (int)(s & 0xFFFF);
        counts[1] += (int)((s >> 16) & 0xFFFF);
        counts[2] += (int)((s >> 32) & 0xFFFF);
        counts[3] += (int)(s >> 48);
    }

    // 4×2 tiles rather than 4×4: with 16 accumulators the JIT kept the nibble table on the stack and reloaded it
    // for every shuffle (seen in the disassembly); 4×2 keeps everything in registers.
    /// <summary>counts[r·ld + c] for rows r &lt; 4 and the two weight rows c = 0, 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4x2Avx512(ulong* a, ulong* w0, ulong* w1, int words, int* counts, int ld)
    {
        var table = NibbleTable512();
        var nibble = Vector512.Create((byte)0x0F);
        for (int r = 0; r < 4; r++) counts[r * ld] = counts[r * ld + 1] = 0;
        int steps = words / 8;
        ulong* a0 = a, a1 = a + words, a2 = a + 2 * words, a3 = a + 3 * words;
        for (int s0 = 0; s0 < steps; s0 += ChunkSteps)
        {
            int s1 = Math.Min(steps, s0 + ChunkSteps);
            Vector512<byte> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector512<byte> c20 = default, c21 = default, c30 = default, c31 = default;
            for (int s = s0; s < s1; s++)
            {
                int o = s * 8;
                var y0 = Vector512.Load((byte*)(w0 + o)); var y0h = High(y0);
                var y1 = Vector512.Load((byte*)(w1 + o)); var y1h = High(y1);
                var x = Vector512.Load((byte*)(a0 + o)); var xh = High(x);
                c00 = Count(c00, x, xh, y0, y0h, table, nibble);
                c01 = Count(c01, x, xh, y1, y1h, table, nibble);
                x = Vector512.Load((byte*)(a1 + o)); xh = High(x);
                c10 = Count(c10, x, xh, y0, y0h, table, nibble);
                c11 = Count(c11, x, xh, y1, y1h, table, nibble);
                x = Vector512.Load((byte*)(a2 + o)); xh = High(x);
                c20 = Count(c20, x, xh, y0, y0h, table, nibble);
                c21 = Count(c21, x, xh, y1, y1h, table, nibble);
                x = Vector512.Load((byte*)(a3 + o)); xh = High(x);
                c30 = Count(c30, x, xh, y0, y0h, table, nibble);
                c31 = Count(c31, x, xh, y1, y1h, table, nibble);
            }
            AddTwoRows(counts, ld, c00, c01, c10, c11);
            AddTwoRows(counts + 2 * ld, ld, c20, c21, c30, c31);
        }
    }

    /// <summary>Two rows × two columns of a 4×2 tile through one horizontal sum (16-bit fields, as in <see cref="AddRow"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTwoRows(int* counts, int ld, Vector512<byte> r0c0, Vector512<byte> r0c1, Vector512<byte> r1c0, Vector512<byte> r1c1)
    {
        ulong s = Vector512.Sum(Sad(r0c0) | (Sad(r0c1) << 16) | (Sad(r1c0) << 32) | (Sad(r1c1) << 48));
        counts[0] += (int)(s & 0xFFFF);
        counts[1] += (int)((s >> 16) & 0xFFFF);
        counts[ld] += (int)((s >> 32) & 0xFFFF);
        counts[ld + 1] += (int)(s >> 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x4Avx512(ulong* a, ulong* w0, ulong* w1, ulong* w2, ulong* w3, int words, int* counts)
    {
        var table = NibbleTable512();
        var nibble = Vector512.Create((byte)0x0F);
        for (int i = 0; i < 4; i++) counts[i] = 0;
        int steps = words / 8;
        for (int s0 = 0; s0 < steps; s0 += ChunkSteps)
        {
            int s1 = Math.Min(steps, s0 + ChunkSteps);
            Vector512<byte> c0 = default, c1 = default, c2 = default, c3 = default;
            for (int s = s0; s < s1; s++)
            {
                int o = s * 8;
                var x = Vector512.Load((byte*)(a + o)); var xh = High(x);
                var y = Vector512.Load((byte*)(w0 + o));
                c0 = Count(c0, x, xh, y, High(y), table, nibble);
                y = Vector512.Load((byte*)(w1 + o));
                c1 = Count(c1, x, xh, y, High(y), table, nibble);
                y = Vector512.Load((byte*)(w2 + o));
                c2 = Count(c2, x, xh, y, High(y), table, nibble);
                y = Vector512.Load((byte*)(w3 + o));
                c3 = Count(c3, x, xh, y, High(y), table, nibble);
            }
            AddRow(counts, c0, c1, c2, c3);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int PairAvx2(ulong* a, ulong* w, int words)
    {
        var t = Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var table = Vector256.Create(t, t);
        var nibble = Vector256.Create((byte)0x0F);
        int steps = words / 4, total = 0;
        for (int s0 = 0; s0 < steps; s0 += ChunkSteps)
        {
            int s1 = Math.Min(steps, s0 + ChunkSteps);
            var acc = Vector256<byte>.Zero;
            for (int s = s0; s < s1; s++)
            {
                var x = Vector256.Load((byte*)(a + s * 4)) ^ Vector256.Load((byte*)(w + s * 4));
                var lo = x & nibble;
                var hi = Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & nibble;
                acc += Avx2.Shuffle(table, lo) + Avx2.Shuffle(table, hi);
            }
            total += (int)Vector256.Sum(Avx2.SumAbsoluteDifferences(acc, Vector256<byte>.Zero).AsUInt64());
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int PairScalar(ulong* a, ulong* w, int words)
    {
        int total = 0;
        for (int i = 0; i < words; i++) total += BitOperations.PopCount(a[i] ^ w[i]);
        return total;
    }
}
