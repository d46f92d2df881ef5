using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Evaluation;

/// <summary>
/// Reads an IDX file (the MNIST / Fashion-MNIST format: two zero bytes, a type code, the rank, big-endian int32 dims,
/// then big-endian elements), plain or gzipped (told apart by the gzip magic, not the file name), record by record.
/// A record is one slice of the first dim (an image, a label).
/// </summary>
public sealed class IdxReader : IDisposable
{
    private readonly Stream _stream;
    private readonly int[] _shape;

    private IdxReader(string name, Stream stream, DataType type, int[] shape)
    {
        Name = name;
        _stream = stream;
        ElementType = type;
        _shape = shape;
        long rec = 1;
        for (int i = 1; i < shape.Length; i++) rec *= shape[i];
        RecordElements = rec;
    }

    public string Name { get; }

    /// <summary>UInt8, Int8, Int16, Int32, Float or Double (IDX codes 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E).</summary>
    public DataType ElementType { get; }

    public IReadOnlyList<int> Shape => _shape;

    /// <summary>First dim: the number of records.</summary>
    public int Count => _shape[0];

    /// <summary>Elements per record (1 for a rank-1 file such as labels).</summary>
    public long RecordElements { get; }

    /// <summary>Records read or skipped so far.</summary>
    public int Position { get; private set; }

    public static IdxReader Open(string path)
    {
        string name = Path.GetFileName(path);
        Stream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidDataSetException($"IDX file '{path}' does not exist.", e);
        }
        try
        {
            return Open(file, name);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads the header from a seekable <paramref name="stream"/> (plain or gzipped; the reader owns the stream).</summary>
    public static IdxReader Open(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
            throw new ArgumentException($"IDX file '{name}' must be read from a seekable stream (a file).", nameof(stream));
        var buffered = new BufferedStream(stream, 1 << 16);
        Span<byte> magic = stackalloc byte[4];
        int got = buffered.ReadAtLeast(magic[..2], 2, throwOnEndOfStream: false);
        long? plainLength = stream.CanSeek ? stream.Length : null;
        Stream data = buffered;
        if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            buffered.Seek(-2, SeekOrigin.Current);
            data = new BufferedStream(new GZipStream(buffered, CompressionMode.Decompress), 1 << 16);
            plainLength = null;
            got = 0;
        }
        Read(data, magic[got..], name, "the IDX magic");
        if (magic[0] != 0 || magic[1] != 0)
            throw new InvalidDataSetException($"IDX file '{name}' has a bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8}: it should start with two zero bytes, a type code and the rank.");
        DataType type = magic[2] switch
        {
            0x08 => DataType.UInt8,
            0x09 => DataType.Int8,
            0x0B => DataType.Int16,
            0x0C => DataType.Int32,
            0x0D => DataType.Float,
            0x0E => DataType.Double,
            _ => throw new InvalidDataSetException($"IDX file '{name}' has an unknown type code 0x{magic[2]:X2}."),
        };
        int rank = magic[3];
        if (rank == 0) throw new InvalidDataSetException($"IDX file '{name}' has rank 0: it holds no records.");
        Span<byte> dims = stackalloc byte[4 * rank];
        Read(data, dims, name, "the IDX dims");
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(dims.Slice(4 * i, 4));
            if (d > int.MaxValue) throw new InvalidDataSetException($"IDX file '{name}' has an impossible dim {d}.");
            shape[i] = (int)d;
        }
        try
        {
            TensorShape.ElementCount(shape.AsSpan(1));
        }
        catch (ArgumentException)
        {
            throw new InvalidDataSetException($"IDX file '{name}' has records of shape {TensorShape.Format(shape.AsSpan(1))}, too large to read.");
        }
        if (plainLength is long length)
        {
            long expected = 4 + 4L * rank + (long)shape[0] * TensorShape.ElementCount(shape.AsSpan(1)) * Tensor.ElementSize(type);
            if (length < expected)
                throw new InvalidDataSetException($"IDX file '{name}' is truncated: shape {TensorShape.Format(shape)} needs {expected} bytes but the file has {length}.");
        }
        return new IdxReader(name, data, type, shape);
    }

    /// <summary>Skips records (gzip cannot seek, so they are read and dropped).</summary>
    public void Skip(int records)
    {
        CheckRemaining(records);
        long bytes = records * RecordElements * Tensor.ElementSize(ElementType);
        var buf = new byte[(int)Math.Min(bytes, 1 << 16)];
        while (bytes > 0)
        {
            int n = (int)Math.Min(bytes, buf.Length);
            Read(_stream, buf.AsSpan(0, n), Name, "skipped records");
            bytes -= n;
        }
        Position += records;
    }

    /// <summary>The next <paramref name="records"/> records as a tensor [records, ...rest] of <see cref="ElementType"/>, in host byte order.</summary>
    public Tensor ReadRecords(int records)
    {
        CheckRemaining(records);
        int[] shape = [records, .. _shape.AsSpan(1)];
        long elements = TensorShape.ElementCount(shape);
        var data = Array.CreateInstance(Tensor.ElementTypeOf(ElementType), elements);
        int size = Tensor.ElementSize(ElementType);
        var bytes = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(data), checked((int)(elements * size)));
        Read(_stream, bytes, Name, $"records {Position}..{Position + records - 1}");
        if (BitConverter.IsLittleEndian && size > 1)
        {
            switch (data)
            {
                case short[] s: BinaryPrimitives.ReverseEndianness(s, s); break;
                case int[] i: BinaryPrimitives.ReverseEndianness(i, i); break;
                case float[] f: var fi = MemoryMarshal.Cast<float, int>(f.AsSpan()); BinaryPrimitives.ReverseEndianness(fi, fi); break;
                case double[] d: var dl = MemoryMarshal.Cast<double, long>(d.AsSpan()); BinaryPrimitives.ReverseEndianness(dl, dl); break;
            }
        }
        Position += records;
        return new Tensor(ElementType, shape, data);
    }

    public void Dispose() => _stream.Dispose();

    private void CheckRemaining(int records)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(records);
        if ((long)Position + records > Count)
            throw new ArgumentOutOfRangeException(nameof(records), records, $"IDX file '{Name}' has {Count} records; {Position} are already read.");
    }

    private static void Read(Stream s, Span<byte> buffer, string name, string what)
    {
        int done = 0;
        try
        {
            while (done < buffer.Length)
            {
                int n = s.Read(buffer[done..]);
                if (n == 0)
                    throw new InvalidDataSetException($"IDX file '{name}' is truncated: {what} need {buffer.Length} bytes but the data ends after {done}.");
                done += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataSetException($"IDX file '{name}' is corrupt: {what} could not be decompressed ({e.Message}).", e);
        }
    }
}
