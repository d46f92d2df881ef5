using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// XNOR-Net activations: M rows of K values binarized to sign bits (x ≥ 0 → +1) with β = mean |x| per row,
/// packed in the same bit layout as <see cref="BinaryPackedWeights"/>.
/// </summary>
public sealed class BinaryActivations
{
    public int Rows { get; }
    public int Depth { get; }
    /// <summary>β per row.</summary>
    public float[] Betas { get; }

    /// <summary>64-bit words per bit row, as for the weights (<see cref="BinaryBits.WordsPerRow"/>).</summary>
    internal int WordsPerRow { get; }

    /// <summary>M rows of <see cref="WordsPerRow"/> words, zero-padded past K. Pinned: kernels keep raw pointers into it.</summary>
    internal ulong[] Bits { get; }

    private sbyte[]? _signs;

    /// <summary>Signs as ±1 (M×K) for the scalar reference, expanded from the bits on first use.</summary>
    internal sbyte[] Signs => _signs ??= BinaryBits.ExpandSigns(Bits, Rows, Depth, WordsPerRow);

    private BinaryActivations(int m, int k, float[] betas, ulong[] bits)
    {
        Rows = m;
        Depth = k;
        Betas = betas;
        WordsPerRow = BinaryBits.WordsPerRow(k);
        Bits = bits;
    }

    public static BinaryActivations FromRows(ReadOnlySpan<float> a, int m, int k, int lda)
    {
        Sgemm.CheckSizes(m, 0, k);
        Sgemm.CheckOperand("A", a.Length, m, k, lda);
        int words = BinaryBits.WordsPerRow(k);
        var bits = GC.AllocateArray<ulong>(Math.Max(1, m * words), pinned: true);
        var betas = new float[m];
        for (int i = 0; i < m; i++)
        {
            var row = a.Slice(i * lda, k);
            float sum = PackRow(row, bits.AsSpan(i * words, words));
            betas[i] = k == 0 ? 0f : sum / k;
        }
        return new BinaryActivations(m, k, betas, bits);
    }

    /// <summary>Sets bit p of <paramref name="dst"/> where row[p] ≥ 0 (NaN and −x clear, −0 set, as the reference) and returns Σ|row|.</summary>
    // Straight to optimized code: a kernel's first calls (a short benchmark, a one-off layer) otherwise run in
    // tier-0/OSR code measured 10× slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float PackRow(ReadOnlySpan<float> row, Span<ulong> dst)
    {
        int k = row.Length, p = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<float>.Zero;
            for (; p + 64 <= k; p += 64)
            {
                ulong word = 0;
                for (int q = 0; q < 4; q++)
                {
                    var v = Vector512.Create(row.Slice(p + 16 * q, 16));
                    acc += Vector512.Abs(v);
                    word |= (ulong)Vector512.GreaterThanOrEqual(v, Vector512<float>.Zero).ExtractMostSignificantBits() << (16 * q);
                }
                dst[p / 64] = word;
            }
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<float>.Zero;
            for (; p + 64 <= k; p += 64)
            {
                ulong word = 0;
                for (int q = 0; q < 8; q++)
                {
                    var v = Vector256.Create(row.Slice(p + 8 * q, 8));
                    acc += Vector256.Abs(v);
                    word |= (ulong)Vector256.GreaterThanOrEqual(v, Vector256<float>.Zero).ExtractMostSignificantBits() << (8 * q);
                }
                dst[p / 64] = word;
            }
            sum = Vector256.Sum(acc);
        }
        for (; p < k; p++)
        {
            float x = row[p];
            sum += MathF.Abs(x);
            if (x >= 0f) dst[p / 64] |= 1UL << (p % 64);
        }
        return sum;
    }
}
