using Platform.Quantization.Formats;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// Binary layer weights packed once for <see cref="BinaryGemm"/>: N output channels of K sign bits (set = +1)
/// and α per channel. The bit rows are padded with zero bits to the kernel's word width; activations packed by
/// <see cref="BinaryActivations"/> are padded the same way, so padding never counts as a mismatch.
/// </summary>
public sealed class BinaryPackedWeights
{
    public int Columns { get; }
    public int Depth { get; }
    /// <summary>α per output channel.</summary>
    public float[] Alphas { get; }

    /// <summary>64-bit words per bit row: K rounded up to whole 512-bit vectors.</summary>
    internal int WordsPerRow { get; }

    /// <summary>N rows of <see cref="WordsPerRow"/> words; bit k of a row is bit k mod 64 of word k/64. Pinned: kernels keep raw pointers into it.</summary>
    internal ulong[] Bits { get; }

    private sbyte[]? _signs;

    /// <summary>Signs as ±1 (N×K) for the scalar reference, expanded from the bits on first use (never by the fast paths).</summary>
    internal sbyte[] Signs => _signs ??= BinaryBits.ExpandSigns(Bits, Columns, Depth, WordsPerRow);

    private BinaryPackedWeights(int n, int k, float[] alphas, ulong[] bits)
    {
        Columns = n;
        Depth = k;
        Alphas = alphas;
        WordsPerRow = BinaryBits.WordsPerRow(k);
        Bits = bits;
    }

    public static BinaryPackedWeights Pack(BinaryQuantizedWeight weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        int n = weight.Channels, k = weight.RowLength, rowBytes = weight.RowBytes, words = BinaryBits.WordsPerRow(k);
        if (weight.Alphas.Length < n || (long)weight.Signs.Length < (long)n * rowBytes)
            throw new ArgumentException($"Binary weight {string.Join('×', weight.Shape)} holds {weight.Signs.Length} sign bytes and {weight.Alphas.Length} α for {n} channels of {k}: the stored form is truncated; quantize the layer again.", nameof(weight));
        var bits = GC.AllocateArray<ulong>(Math.Max(1, n * words), pinned: true);
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(bits.AsSpan());
        for (int c = 0; c < n; c++)
        {
            // The stored rows are little-endian bit order already: bit i of a row is bit i mod 8 of byte i/8.
            var dst = bytes.Slice(c * words * 8, rowBytes);
            weight.Signs.AsSpan(c * rowBytes, rowBytes).CopyTo(dst);
            if (k % 8 != 0) dst[rowBytes - 1] &= (byte)((1 << (k % 8)) - 1);
        }
        return new BinaryPackedWeights(n, k, (float[])weight.Alphas.Clone(), bits);
    }
}
