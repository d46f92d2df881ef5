using System.Runtime.CompilerServices;

namespace Platform.Quantization.Formats;

/// <summary>
/// b-bit codes (b = 1, 2, 4, 8) packed little-end first: element i of a row sits in byte i·b/8 at bit
/// (i·b) mod 8, so for int4 the even element is the low nibble and for int2 element 0 is bits 0–1.
/// Rows start on a byte boundary (a kernel can address a row without bit arithmetic).
/// </summary>
internal static class BitPacking
{
    public static int RowBytes(int rowLength, int bits) => (int)(((long)rowLength * bits + 7) / 8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Set(Span<byte> row, int i, int bits, int code)
    {
        int bit = i * bits;
        int mask = (1 << bits) - 1;
        row[bit >> 3] |= (byte)((code & mask) << (bit & 7));
    }

    /// <summary>The raw (unsigned) field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetUnsigned(ReadOnlySpan<byte> row, int i, int bits)
    {
        int bit = i * bits;
        return (row[bit >> 3] >> (bit & 7)) & ((1 << bits) - 1);
    }

    /// <summary>The field read as b-bit two's complement.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetSigned(ReadOnlySpan<byte> row, int i, int bits)
    {
        int shift = 32 - bits;
        return (GetUnsigned(row, i, bits) << shift) >> shift;
    }
}
