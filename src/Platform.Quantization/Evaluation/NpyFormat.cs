using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Evaluation;

/// <summary>
/// NumPy's .npy format (versions 1.0, 2.0 and 3.0), C order, little-endian. The header is a Python dict literal
/// ("{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }") padded with spaces so the data starts on a
/// 64-byte boundary, as numpy writes it. Reading is split into header and data so callers can stream the data.
/// </summary>
public static class NpyFormat
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>numpy aligns the data to 64 bytes so it can be memory-mapped with any SIMD width.</summary>
    private const int Alignment = 64;

    /// <summary>numpy itself refuses headers over 10 000 bytes by default; we allow more but stop a corrupt length.</summary>
    private const int MaxHeaderLength = 1 << 20;

    /// <summary>The dtypes we read and write, by descr.</summary>
    public static IReadOnlyList<string> SupportedDescrs { get; } =
        ["<f4", "<f2", "<f8", "|u1", "|i1", "|b1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8"];

    /// <summary>The descr numpy writes for a tensor type.</summary>
    public static string DescrOf(DataType type) => type switch
    {
        DataType.Float => "<f4",
        DataType.Float16 => "<f2",
        DataType.Double => "<f8",
        DataType.UInt8 => "|u1",
        DataType.Int8 => "|i1",
        DataType.Bool => "|b1",
        DataType.Int16 => "<i2",
        DataType.UInt16 => "<u2",
        DataType.Int32 => "<i4",
        DataType.UInt32 => "<u4",
        DataType.Int64 => "<i8",
        DataType.UInt64 => "<u8",
        _ => throw new NotSupportedException($"{type} has no NumPy dtype; convert the tensor before saving it as .npy."),
    };

    /// <summary>The tensor type of a descr, or Undefined when we do not read it.</summary>
    public static DataType DataTypeOf(string descr)
    {
        if (descr.Length < 2) return DataType.Undefined;
        char order = descr[0];
        string kind = descr[1..];
        bool single = kind is "u1" or "i1" or "b1";
        // '=' is native order (little-endian on every machine we run on); byte order means nothing for 1-byte types.
        if (!(order is '<' or '=' || order == '|' && single || order == '>' && single)) return DataType.Undefined;
        return kind switch
        {
            "f4" => DataType.Float,
            "f2" => DataType.Float16,
            "f8" => DataType.Double,
            "u1" => DataType.UInt8,
            "i1" => DataType.Int8,
            "b1" => DataType.Bool,
            "i2" => DataType.Int16,
            "u2" => DataType.UInt16,
            "i4" => DataType.Int32,
            "u4" => DataType.UInt32,
            "i8" => DataType.Int64,
            "u8" => DataType.UInt64,
            _ => DataType.Undefined,
        };
    }

    /// <summary>Throws, naming the array and the dtype, unless the array can be read as a C-order tensor.</summary>
    public static void EnsureReadable(NpyHeader header, string arrayName)
    {
        if (header.DataType == DataType.Undefined)
        {
            string why = header.Descr.StartsWith('>')
                ? $"is big-endian; save it as little-endian (arr.astype('<{header.Descr[1..]}'))"
                : $"is not supported (supported: {string.Join(", ", SupportedDescrs)})";
            throw new InvalidDataSetException($"Array {arrayName} has dtype '{header.Descr}', which {why}.");
        }
        if (header.FortranOrder)
            throw new InvalidDataSetException(
                $"Array {arrayName} (dtype '{header.Descr}', shape {TensorShape.Format(header.Shape)}) is stored in Fortran (column-major) order; " +
                "only C order is read: save np.ascontiguousarray(arr) instead.");
    }

    /// <summary>Reads and parses the header, leaving the stream at the first data byte.</summary>
    /// <param name="arrayName">How errors name the array, e.g. "'x' in data.npz".</param>
    public static NpyHeader ReadHeader(Stream stream, string arrayName)
    {
        Span<byte> pre = stackalloc byte[12];
        ReadExactly(stream, pre[..8], arrayName, "the .npy preamble");
        if (!pre[..6].SequenceEqual(Magic))
            throw new InvalidDataSetException($"Array {arrayName} is not a .npy array: it does not start with the \\x93NUMPY magic.");
        int major = pre[6], minor = pre[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new InvalidDataSetException($"Array {arrayName} uses .npy format version {major}.{minor}; versions 1.0, 2.0 and 3.0 are read.");
        int lenBytes = major == 1 ? 2 : 4;
        ReadExactly(stream, pre.Slice(8, lenBytes), arrayName, "the .npy header length");
        long headerLength = major == 1
            ? BitConverter.ToUInt16(pre.Slice(8, 2))
            : BitConverter.ToUInt32(pre.Slice(8, 4));
        if (headerLength > MaxHeaderLength)
            throw new InvalidDataSetException($"Array {arrayName} declares a {headerLength}-byte .npy header; more than {MaxHeaderLength} bytes means a corrupt file.");
        var bytes = new byte[headerLength];
        ReadExactly(stream, bytes, arrayName, "the .npy header");
        string text = major == 3 ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
        return ParseHeader(text, major, checked(8 + lenBytes + (int)headerLength), arrayName);
    }

    /// <summary>Reads a whole .npy array into a tensor of its stored type (float16 widened to float32 on request).</summary>
    public static Tensor Read(Stream stream, string arrayName, bool widenFloat16 = false)
    {
        var header = ReadHeader(stream, arrayName);
        EnsureReadable(header, arrayName);
        return ReadSamples(stream, header, checked((int)header.Samples), arrayName, widenFloat16, header.Shape.Length == 0);
    }

    /// <summary>Reads a .npy file.</summary>
    public static Tensor Read(string path, bool widenFloat16 = false)
    {
        using var s = File.OpenRead(path);
        return Read(s, $"'{Path.GetFileName(path)}'", widenFloat16);
    }

    /// <summary>Writes a whole tensor as .npy (version 0: 1.0 when the header fits, else 2.0).</summary>
    public static void Write(Stream stream, Tensor tensor, int version = 0)
    {
        WriteHeader(stream, tensor.Type, tensor.Shape, version);
        WriteElements(stream, tensor);
    }

    /// <summary>Writes a .npy file.</summary>
    public static void Write(string path, Tensor tensor, int version = 0)
    {
        using var s = File.Create(path);
        Write(s, tensor, version);
    }

    /// <summary>Writes the magic, version and padded header; the caller writes the data after it.</summary>
    public static void WriteHeader(Stream stream, DataType type, ReadOnlySpan<int> shape, int version = 0)
    {
        if (version is not (0 or 1 or 2 or 3))
            throw new ArgumentOutOfRangeException(nameof(version), version, "The .npy format versions are 1, 2 and 3 (0 picks the smallest that fits).");
        foreach (var d in shape)
            if (d < 0) throw new ArgumentException($"Shape {TensorShape.Format(shape)} has a negative dimension.", nameof(shape));
        string dims = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.ToArray()) + ")";
        string dict = $"{{'descr': '{DescrOf(type)}', 'fortran_order': False, 'shape': {dims}, }}";
        if (version == 0) version = 10 + dict.Length + 1 + Alignment <= ushort.MaxValue ? 1 : 2;
        int prefix = version == 1 ? 10 : 12;
        int total = prefix + dict.Length + 1;
        int padded = (total + Alignment - 1) / Alignment * Alignment;
        int headerLength = padded - prefix;
        if (version == 1 && headerLength > ushort.MaxValue)
            throw new ArgumentException($"A header for shape {TensorShape.Format(shape)} does not fit .npy version 1.0; use version 2.0.", nameof(version));
        var buf = new byte[padded];
        Magic.CopyTo(buf);
        buf[6] = (byte)version;
        buf[7] = 0;
        if (version == 1) BitConverter.TryWriteBytes(buf.AsSpan(8, 2), (ushort)headerLength);
        else BitConverter.TryWriteBytes(buf.AsSpan(8, 4), (uint)headerLength);
        buf.AsSpan(prefix).Fill((byte)' ');
        Encoding.ASCII.GetBytes(dict, buf.AsSpan(prefix));
        buf[^1] = (byte)'\n';
        stream.Write(buf);
    }

    /// <summary>Writes a tensor's elements as little-endian bytes (no header).</summary>
    public static void WriteElements(Stream stream, Tensor tensor)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy writing assumes a little-endian machine.");
        DescrOf(tensor.Type); // rejects types numpy has no dtype for
        stream.Write(tensor.AsBytes());
    }

    /// <summary>
    /// Reads <paramref name="count"/> samples (first-dim slices) of an array whose header was read, into a tensor shaped
    /// [count, ...rest]. Bool bytes are normalised to 0/1; float16 becomes float32 when <paramref name="widenFloat16"/>.
    /// </summary>
    internal static Tensor ReadSamples(Stream stream, NpyHeader header, int count, string arrayName, bool widenFloat16, bool scalar = false)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy reading assumes a little-endian machine.");
        int[] shape = scalar ? [] : [count, .. header.Shape.AsSpan(1)];
        long elements = TensorShape.ElementCount(shape);
        var data = Array.CreateInstance(Tensor.ElementTypeOf(header.DataType), elements);
        var bytes = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(data), checked((int)(elements * header.ItemSize)));
        ReadExactly(stream, bytes, arrayName, $"{count} samples of data");
        if (data is bool[])
            foreach (ref byte b in bytes) b = b != 0 ? (byte)1 : (byte)0;
        if (widenFloat16 && data is Half[] halves)
        {
            var floats = new float[halves.Length];
            for (int i = 0; i < halves.Length; i++) floats[i] = (float)halves[i];
            return new Tensor(DataType.Float, shape, floats);
        }
        return new Tensor(header.DataType, shape, data);
    }

    /// <summary>Reads exactly buffer.Length bytes, turning an early end or a corrupt deflate stream into a named error.</summary>
    internal static void ReadExactly(Stream stream, Span<byte> buffer, string arrayName, string what)
    {
        int done = 0;
        try
        {
            while (done < buffer.Length)
            {
                int n = stream.Read(buffer[done..]);
                if (n == 0)
                    throw new InvalidDataSetException(
                        $"Array {arrayName} is truncated: {what} needs {buffer.Length} bytes but the data ends after {done}.");
                done += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataSetException($"Array {arrayName} is corrupt: {what} could not be decompressed ({e.Message}).", e);
        }
    }

    /// <summary>Reads and drops bytes: deflated zip entries cannot seek.</summary>
    internal static void Skip(Stream stream, long bytes, string arrayName)
    {
        var buf = new byte[(int)Math.Min(bytes, 1 << 16)];
        while (bytes > 0)
        {
            int n = (int)Math.Min(bytes, buf.Length);
            ReadExactly(stream, buf.AsSpan(0, n), arrayName, "skipped samples");
            bytes -= n;
        }
    }

    internal static NpyHeader ParseHeader(string text, int version, int dataOffset, string arrayName)
    {
        var p = new DictParser(text, arrayName);
        var dict = p.ParseDict();
        if (!dict.TryGetValue("descr", out var descrValue)) throw p.Error("has no 'descr' key");
        if (!dict.TryGetValue("fortran_order", out var fortranValue)) throw p.Error("has no 'fortran_order' key");
        if (!dict.TryGetValue("shape", out var shapeValue)) throw p.Error("has no 'shape' key");
        string descr = descrValue switch
        {
            string s => s,
            List<object> => "structured",
            _ => throw p.Error("has a 'descr' that is not a string"),
        };
        if (fortranValue is not bool fortran) throw p.Error("has a 'fortran_order' that is not True or False");
        if (shapeValue is not List<object> dims) throw p.Error("has a 'shape' that is not a tuple");
        var shape = new int[dims.Count];
        for (int i = 0; i < dims.Count; i++)
        {
            if (dims[i] is not long d || d < 0 || d > int.MaxValue)
                throw new InvalidDataSetException($"Array {arrayName} has an impossible shape ({string.Join(", ", dims)}): every dim must be an integer from 0 to {int.MaxValue}.");
            shape[i] = (int)d;
        }
        var header = new NpyHeader(version, descr, DataTypeOf(descr), fortran, shape, dataOffset);
        try
        {
            _ = header.DataBytes;
        }
        catch (OverflowException)
        {
            throw new InvalidDataSetException($"Array {arrayName} has an impossible shape {TensorShape.Format(shape)}: its size in bytes overflows.");
        }
        if (header.SampleElements > TensorShape.MaxElements)
            throw new InvalidDataSetException($"Array {arrayName} has shape {TensorShape.Format(shape)}: one sample holds more than {TensorShape.MaxElements} elements.");
        return header;
    }

    /// <summary>Just enough of Python's literal syntax for numpy headers: dicts, strings, bools, ints, tuples and lists.</summary>
    private sealed class DictParser(string text, string arrayName)
    {
        private int _pos;

        public InvalidDataSetException Error(string problem) =>
            new($"Array {arrayName} has a .npy header that {problem}: {text.TrimEnd()}");

        public Dictionary<string, object> ParseDict()
        {
            SkipSpace();
            if (ParseValue() is not Dictionary<string, object> d) throw Error("is not a dict");
            return d;
        }

        private object ParseValue()
        {
            SkipSpace();
            if (_pos >= text.Length) throw Error("ends early");
            char c = text[_pos];
            if (c == '{')
            {
                _pos++;
                var d = new Dictionary<string, object>();
                while (true)
                {
                    SkipSpace();
                    if (Peek() == '}') { _pos++; return d; }
                    if (ParseValue() is not string key) throw Error("has a key that is not a string");
                    SkipSpace();
                    Expect(':');
                    d[key] = ParseValue();
                    SkipSpace();
                    if (Peek() == ',') _pos++;
                    else if (Peek() != '}') throw Error($"has '{Peek()}' where ',' or '}}' should be");
                }
            }
            if (c is '(' or '[')
            {
                char close = c == '(' ? ')' : ']';
                _pos++;
                var items = new List<object>();
                while (true)
                {
                    SkipSpace();
                    if (Peek() == close) { _pos++; return items; }
                    items.Add(ParseValue());
                    SkipSpace();
                    if (Peek() == ',') _pos++;
                    else if (Peek() != close) throw Error($"has '{Peek()}' where ',' or '{close}' should be");
                }
            }
            if (c is '\'' or '"')
            {
                int end = text.IndexOf(c, _pos + 1);
                if (end < 0) throw Error("has an unterminated string");
                string s = text[(_pos + 1)..end];
                _pos = end + 1;
                return s;
            }
            if (char.IsDigit(c) || c == '-')
            {
                int start = _pos++;
                while (_pos < text.Length && char.IsDigit(text[_pos])) _pos++;
                string digits = text[start.._pos];
                if (_pos < text.Length && text[_pos] is 'L' or 'l') _pos++; // Python 2 longs
                if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
                    return digits; // too large for a long: reported as an impossible shape
                return v;
            }
            if (text.AsSpan(_pos).StartsWith("True")) { _pos += 4; return true; }
            if (text.AsSpan(_pos).StartsWith("False")) { _pos += 5; return false; }
            throw Error($"has an unexpected '{c}'");
        }

        private char Peek() => _pos < text.Length ? text[_pos] : throw Error("ends early");

        private void Expect(char c)
        {
            if (Peek() != c) throw Error($"has '{Peek()}' where '{c}' should be");
            _pos++;
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }
    }
}
