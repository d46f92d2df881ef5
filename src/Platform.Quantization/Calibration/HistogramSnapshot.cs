using System.Buffers.Binary;

namespace Platform.Quantization.Calibration;

/// <summary>
/// A <see cref="TensorObserver"/>'s whole state, for moving it between processes: JSON-friendly as a record,
/// or compact via <see cref="ToBytes"/>. <see cref="Counts"/> holds the bins from the window's first up to
/// the one holding <see cref="Max"/>.
/// </summary>
public sealed record HistogramSnapshot(int Bins, long Count, long NonFinite, float Min, float Max, int Exponent, long FirstBin, long[] Counts)
{
    private const byte FormatVersion = 1;

    public byte[] ToBytes()
    {
        // Fixed header, then each count as a LEB128 varint: most bins of an activation histogram are small.
        var buffer = new byte[1 + 4 + 8 + 8 + 4 + 4 + 4 + 8 + 4 + Counts.Length * 10];
        var s = buffer.AsSpan();
        s[0] = FormatVersion;
        int p = 1;
        BinaryPrimitives.WriteInt32LittleEndian(s[p..], Bins); p += 4;
        BinaryPrimitives.WriteInt64LittleEndian(s[p..], Count); p += 8;
        BinaryPrimitives.WriteInt64LittleEndian(s[p..], NonFinite); p += 8;
        BinaryPrimitives.WriteSingleLittleEndian(s[p..], Min); p += 4;
        BinaryPrimitives.WriteSingleLittleEndian(s[p..], Max); p += 4;
        BinaryPrimitives.WriteInt32LittleEndian(s[p..], Exponent); p += 4;
        BinaryPrimitives.WriteInt64LittleEndian(s[p..], FirstBin); p += 8;
        BinaryPrimitives.WriteInt32LittleEndian(s[p..], Counts.Length); p += 4;
        foreach (var c in Counts)
        {
            ulong v = (ulong)c;
            while (v >= 0x80) { s[p++] = (byte)(v | 0x80); v >>= 7; }
            s[p++] = (byte)v;
        }
        return buffer[..p];
    }

    public static HistogramSnapshot FromBytes(ReadOnlySpan<byte> s)
    {
        const int header = 1 + 4 + 8 + 8 + 4 + 4 + 4 + 8 + 4;
        if (s.Length < header) throw new FormatException($"A histogram needs at least {header} bytes; got {s.Length}.");
        if (s[0] != FormatVersion) throw new FormatException($"Unknown histogram format version {s[0]} (expected {FormatVersion}).");
        int p = 1;
        int bins = BinaryPrimitives.ReadInt32LittleEndian(s[p..]); p += 4;
        long count = BinaryPrimitives.ReadInt64LittleEndian(s[p..]); p += 8;
        long nonFinite = BinaryPrimitives.ReadInt64LittleEndian(s[p..]); p += 8;
        float min = BinaryPrimitives.ReadSingleLittleEndian(s[p..]); p += 4;
        float max = BinaryPrimitives.ReadSingleLittleEndian(s[p..]); p += 4;
        int exponent = BinaryPrimitives.ReadInt32LittleEndian(s[p..]); p += 4;
        long first = BinaryPrimitives.ReadInt64LittleEndian(s[p..]); p += 8;
        int n = BinaryPrimitives.ReadInt32LittleEndian(s[p..]); p += 4;
        if (n < 0 || n > bins) throw new FormatException($"The histogram declares {n} stored bins of {bins}.");
        var counts = new long[n];
        for (int k = 0; k < n; k++)
        {
            ulong v = 0;
            for (int shift = 0; ; shift += 7)
            {
                if (p >= s.Length || shift > 63) throw new FormatException($"The histogram bytes end inside bin {k} of {n}.");
                byte b = s[p++];
                v |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) break;
            }
            counts[k] = (long)v;
        }
        if (p != s.Length) throw new FormatException($"{s.Length - p} bytes follow the histogram's last bin.");
        return new HistogramSnapshot(bins, count, nonFinite, min, max, exponent, first, counts);
    }
}
