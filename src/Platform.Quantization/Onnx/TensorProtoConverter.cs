using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using Platform.Quantization.Graph;
using Platform.Quantization.Onnx.Proto;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Onnx;

/// <summary>TensorProto ⇄ <see cref="Tensor"/>, including ONNX's typed-field encodings and external data.</summary>
internal static class TensorProtoConverter
{
    public static Tensor ToTensor(TensorProto p, string? baseDirectory, string what)
    {
        string name = string.IsNullOrEmpty(p.Name) ? what : $"{what} '{p.Name}'";
        var type = (DataType)p.DataType;
        if (!Enum.IsDefined(type) || type == DataType.Undefined)
            throw new InvalidModelException($"{name} has element type {p.DataType}, which the engine does not support.");

        var shape = new int[p.Dims.Count];
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            long d = p.Dims[i];
            if (d < 0 || d > int.MaxValue)
                throw new InvalidModelException($"{name} has an invalid dimension {d} in shape [{string.Join(',', p.Dims)}].");
            shape[i] = (int)d;
            count *= d;
            if (count > TensorShape.MaxElements)
                throw new InvalidModelException($"{name} has shape [{string.Join(',', p.Dims)}]: more elements than one tensor can hold.");
        }
        int n = (int)count;
        var elementType = Tensor.ElementTypeOf(type);

        if (p.HasDataLocation && p.DataLocation == TensorProto.Types.DataLocation.External)
        {
            var bytes = ReadExternal(p, baseDirectory, name, (long)n * Tensor.ElementSize(type));
            return new Tensor(type, shape, FromRaw(bytes, type, n, name));
        }
        if (p.HasRawData)
        {
            if (type == DataType.String) throw new InvalidModelException($"{name}: string tensors cannot use raw_data.");
            return new Tensor(type, shape, FromRaw(p.RawData.Span, type, n, name));
        }

        Array data = type switch
        {
            DataType.Float => Check(p.FloatData.ToArray(), n, name, "float_data"),
            DataType.Double => Check(p.DoubleData.ToArray(), n, name, "double_data"),
            DataType.Int64 => Check(p.Int64Data.ToArray(), n, name, "int64_data"),
            DataType.UInt64 => Check(p.Uint64Data.ToArray(), n, name, "uint64_data"),
            DataType.UInt32 => Check(p.Uint64Data.Select(v => (uint)v).ToArray(), n, name, "uint64_data"),
            DataType.Int32 => Check(p.Int32Data.ToArray(), n, name, "int32_data"),
            DataType.Int16 => Check(p.Int32Data.Select(v => (short)v).ToArray(), n, name, "int32_data"),
            DataType.UInt16 => Check(p.Int32Data.Select(v => (ushort)v).ToArray(), n, name, "int32_data"),
            DataType.Int8 => Check(p.Int32Data.Select(v => (sbyte)v).ToArray(), n, name, "int32_data"),
            DataType.UInt8 => Check(p.Int32Data.Select(v => (byte)v).ToArray(), n, name, "int32_data"),
            DataType.Bool => Check(p.Int32Data.Select(v => v != 0).ToArray(), n, name, "int32_data"),
            DataType.Float16 => Check(p.Int32Data.Select(v => BitConverter.UInt16BitsToHalf((ushort)v)).ToArray(), n, name, "int32_data"),
            DataType.BFloat16 => Check(p.Int32Data.Select(v => new BFloat16((ushort)v)).ToArray(), n, name, "int32_data"),
            DataType.String => Check(p.StringData.Select(s => s.ToStringUtf8()).ToArray(), n, name, "string_data"),
            _ => throw new InvalidModelException($"{name} has element type {type}, which the engine does not support."),
        };
        return new Tensor(type, shape, data);
    }

    private static T[] Check<T>(T[] data, int n, string name, string field)
    {
        if (data.Length != n)
            throw new InvalidModelException($"{name} declares {n} elements but its {field} holds {data.Length}.");
        return data;
    }

    private static Array FromRaw(ReadOnlySpan<byte> raw, DataType type, int n, string name)
    {
        int size = Tensor.ElementSize(type);
        if (raw.Length != (long)n * size)
            throw new InvalidModelException($"{name} declares {n} {type} elements ({(long)n * size} bytes) but holds {raw.Length} bytes of data.");
        var array = Array.CreateInstance(Tensor.ElementTypeOf(type), n);
        if (type == DataType.Bool)
        {
            var b = (bool[])array;
            for (int i = 0; i < n; i++) b[i] = raw[i] != 0;
            return array;
        }
        // ONNX raw data is little-endian, as is every machine we run on.
        raw.CopyTo(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), raw.Length));
        return array;
    }

    private static byte[] ReadExternal(TensorProto p, string? baseDirectory, string name, long expectedBytes)
    {
        string? location = null;
        long offset = 0, length = -1;
        foreach (var e in p.ExternalData)
        {
            switch (e.Key)
            {
                case "location": location = e.Value; break;
                case "offset": offset = long.Parse(e.Value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "length": length = long.Parse(e.Value, System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }
        if (string.IsNullOrEmpty(location)) throw new InvalidModelException($"{name} is stored externally but names no location.");
        if (baseDirectory is null) throw new InvalidModelException($"{name} is stored in external file '{location}', but the model was not read from a file.");
        if (Path.IsPathRooted(location) || location.Split('/', '\\').Contains(".."))
            throw new InvalidModelException($"{name}: external data location '{location}' must be a path inside the model's folder.");
        var path = Path.Combine(baseDirectory, location);
        if (!File.Exists(path)) throw new InvalidModelException($"{name}: external data file '{location}' does not exist next to the model.");
        if (length < 0) length = expectedBytes;
        if (length != expectedBytes)
            throw new InvalidModelException($"{name}: external data length {length} does not match the {expectedBytes} bytes its shape needs.");
        using var fs = File.OpenRead(path);
        if (offset < 0 || offset + length > fs.Length)
            throw new InvalidModelException($"{name}: external data [{offset}, {offset + length}) lies outside '{location}' ({fs.Length} bytes).");
        fs.Position = offset;
        var bytes = new byte[length];
        fs.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>ONNX's TensorProto.DataType numbers of the 4-bit types (IR 10, opset 21), which our <see cref="DataType"/> lacks.</summary>
    public const int OnnxUInt4 = 21, OnnxInt4 = 22;

    // 4-bit initializers exist only on the way out (the exporter writes them, nothing here computes on them), so
    // rather than a new element type every operator would have to reject, a byte tensor holding the packed
    // nibbles is marked with the ONNX type and logical dims it stands for.
    private static readonly ConditionalWeakTable<Tensor, SubByteMark> SubByte = new();

    private sealed record SubByteMark(int OnnxType, int[] Dims);

    /// <summary>
    /// A UInt8 tensor of nibbles packed two per byte, low nibble first (ONNX's layout for INT4/UINT4), that
    /// <see cref="ToProto"/> writes as an INT4 (<paramref name="signed"/>) or UINT4 tensor of <paramref name="dims"/>.
    /// </summary>
    public static Tensor PackedFourBit(byte[] packed, int[] dims, bool signed)
    {
        long count = TensorShape.ElementCount(dims);
        if (packed.Length != (count + 1) / 2)
            throw new ArgumentException($"A 4-bit tensor of shape {TensorShape.Format(dims)} packs into {(count + 1) / 2} bytes, not {packed.Length}.", nameof(packed));
        var t = Tensor.FromArray(packed, packed.Length);
        SubByte.Add(t, new SubByteMark(signed ? OnnxInt4 : OnnxUInt4, (int[])dims.Clone()));
        return t;
    }

    /// <summary>The ONNX element type and dims a tensor made by <see cref="PackedFourBit"/> stands for.</summary>
    public static bool TryGetFourBit(Tensor t, out int onnxType, out int[] dims)
    {
        if (SubByte.TryGetValue(t, out var m)) { onnxType = m.OnnxType; dims = m.Dims; return true; }
        onnxType = 0; dims = [];
        return false;
    }

    public static TensorProto ToProto(Tensor t, string name)
    {
        if (TryGetFourBit(t, out int fourBitType, out int[] fourBitDims))
        {
            var q = new TensorProto { Name = name, DataType = fourBitType, RawData = ByteString.CopyFrom(t.AsBytes()) };
            foreach (var d in fourBitDims) q.Dims.Add(d);
            return q;
        }
        var p = new TensorProto { Name = name, DataType = (int)t.Type };
        foreach (var d in t.Shape) p.Dims.Add(d);
        if (t.Type == DataType.String)
        {
            foreach (var s in t.As<string>()) p.StringData.Add(ByteString.CopyFrom(s ?? "", Encoding.UTF8));
        }
        else if (t.Type == DataType.Bool)
        {
            var b = t.As<bool>();
            var raw = new byte[b.Length];
            for (int i = 0; i < b.Length; i++) raw[i] = b[i] ? (byte)1 : (byte)0;
            p.RawData = ByteString.CopyFrom(raw);
        }
        else
        {
            p.RawData = ByteString.CopyFrom(t.AsBytes());
        }
        return p;
    }
}
