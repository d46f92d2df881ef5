using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Quantization.Formats;
using Platform.Quantization.Graph;
using Platform.Quantization.Graph.Passes;
using Platform.Quantization.Onnx;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Export;

/// <summary>
/// Our own file for a quantized model (.qpk), for every format, and the only one for binary, PQ and int2 weights,
/// which no ONNX operator reads. Layout (little-endian):
/// <code>
/// "QPLATPK\0"  u32 format version  u32 manifest bytes  u64 data bytes
/// manifest: UTF-8 JSON {formatVersion, spec, model: section, dataSha256, layers: [{name, op, weight name/input,
///           axes, spec, format, shape, axis, granularity, groupSize, symmetric, k, d, input params, sections}]}
/// data:     the sections (codes, scales, zero points, signs, α, codebooks, 16-bit floats) and the prepared graph
///           as ONNX bytes without the quantized layers' fp32 weights; each section is an offset and length in data.
/// </code>
/// Sections start on 64-byte boundaries so a reader may map them and hand them to a kernel as they are.
/// </summary>
public static class PackedArtifact
{
    public const int FormatVersion = 1;

    /// <summary>The file's first eight bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "QPLATPK\0"u8;

    private const int HeaderBytes = 8 + 4 + 4 + 8;
    private const int Alignment = 64;

    /// <summary>A manifest larger than this is not ours (it lists layers, not weights).</summary>
    private const int MaxManifestBytes = 64 << 20;

    /// <exception cref="ArgumentException">A layer is not a node of <paramref name="prepared"/>, or listed twice.</exception>
    public static void Write(Stream stream, OnnxModel prepared, IReadOnlyList<QuantizedLayer> layers, QuantSpec spec)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(spec);
        var data = new MemoryStream();
        var entries = new List<LayerEntry>(layers.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var l in layers)
        {
            if (!names.Add(l.Layer.Name)) throw new ArgumentException($"Layer '{l.Layer.Name}' is listed twice.", nameof(layers));
            if (!prepared.Graph.Nodes.Any(n => n.Name == l.Layer.Name))
                throw new ArgumentException($"Layer '{l.Layer.Name}' is not a node of the prepared model: pack the model the layers were quantized from.", nameof(layers));
            entries.Add(Entry(l, data));
        }

        // The graph without the weights the sections replace (fp32 layers keep theirs: they are their stored form).
        var graph = prepared.Graph.Clone();
        foreach (var l in layers)
            if (l.Weight.Format.Kind != WeightFormatKind.Fp32) graph.Initializers.Remove(l.Layer.WeightName);
        var model = new OnnxModel
        {
            Graph = graph, Opsets = new Dictionary<string, long>(prepared.Opsets, StringComparer.Ordinal), IrVersion = prepared.IrVersion,
            ProducerName = prepared.ProducerName, ProducerVersion = prepared.ProducerVersion,
        };
        foreach (var (k, v) in prepared.Metadata) model.Metadata[k] = v;
        var modelSection = Append(data, OnnxModelWriter.ToBytes(model));

        var bytes = data.GetBuffer().AsSpan(0, (int)data.Length);
        var manifest = new Manifest(FormatVersion, JsonDocument.Parse(spec.ToJson()).RootElement, modelSection,
            Convert.ToHexStringLower(SHA256.HashData(bytes)), entries);
        var json = JsonSerializer.SerializeToUtf8Bytes(manifest, JsonOptions);

        Span<byte> header = stackalloc byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)json.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], (ulong)bytes.Length);
        stream.Write(header);
        stream.Write(json);
        stream.Write(bytes);
    }

    /// <exception cref="InvalidDataException">Not a packed artifact, a format version this build does not read, a
    /// truncated or altered file, or an inconsistent manifest; the message says which.</exception>
    public static PackedModel Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[HeaderBytes];
        int got = stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false);
        if (got < Magic.Length || !header[..Magic.Length].SequenceEqual(Magic))
            throw new InvalidDataException("Not a qplat packed artifact: the file does not start with \"QPLATPK\" (a .qpk written by qplat quantize --export packed).");
        if (got < HeaderBytes) throw new InvalidDataException($"The packed artifact is truncated: its header needs {HeaderBytes} bytes, the file has {got}.");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != FormatVersion)
            throw new InvalidDataException(version > FormatVersion
                ? $"The packed artifact has format version {version}; this build reads version {FormatVersion}: read it with a newer qplat."
                : $"The packed artifact has format version {version}, which no qplat wrote (this build reads version {FormatVersion}).");
        uint manifestBytes = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        ulong dataBytes = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        if (manifestBytes > MaxManifestBytes || dataBytes > int.MaxValue)
            throw new InvalidDataException($"The packed artifact's header is corrupt: a {manifestBytes}-byte manifest and {dataBytes} bytes of data.");
        var json = ReadExactly(stream, (int)manifestBytes, "manifest");
        var data = ReadExactly(stream, (int)dataBytes, "data");

        Manifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(json, JsonOptions) ?? throw new InvalidDataException("The packed artifact's manifest is null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The packed artifact's manifest is not valid JSON{(e.Path is null ? "" : " at " + e.Path)}: {e.Message}", e);
        }
        if (!string.Equals(manifest.DataSha256, Convert.ToHexStringLower(SHA256.HashData(data)), StringComparison.Ordinal))
            throw new InvalidDataException("The packed artifact's data does not match its SHA-256: the file was altered or damaged after it was written.");

        QuantSpec spec;
        try { spec = QuantSpec.FromJson(manifest.Spec.GetRawText()); }
        catch (FormatException e) { throw new InvalidDataException($"The packed artifact's spec is invalid: {e.Message}", e); }

        OnnxModel model;
        try { model = OnnxModelReader.Read(Slice(data, manifest.Model, "model")); }
        catch (InvalidModelException e) { throw new InvalidDataException($"The packed artifact's model is not valid ONNX: {e.Message}", e); }

        var layers = new List<QuantizedLayer>(manifest.Layers.Count);
        foreach (var e in manifest.Layers) layers.Add(ReadLayer(e, data, model.Graph));
        return new PackedModel(model, layers, spec);
    }

    public static void Write(string path, OnnxModel prepared, IReadOnlyList<QuantizedLayer> layers, QuantSpec spec)
    {
        using var fs = File.Create(path);
        Write(fs, prepared, layers, spec);
    }

    public static PackedModel Read(string path)
    {
        using var fs = File.OpenRead(path);
        return Read(fs);
    }

    // ---- writing ----

    private static LayerEntry Entry(QuantizedLayer q, MemoryStream data)
    {
        var l = q.Layer;
        var w = q.Weight;
        var sections = new Dictionary<string, Section>(StringComparer.Ordinal);
        string? granularity = null;
        int groupSize = 0, k = 0, d = 0, iterations = 0;
        bool? symmetric = null;
        double inertia = 0;
        switch (w)
        {
            case AffineQuantizedWeight a:
                granularity = a.Granularity.Name;
                groupSize = a.GroupSize;
                symmetric = a.Symmetric;
                sections["codes"] = Append(data, a.Codes);
                sections["scales"] = Append(data, MemoryMarshal.AsBytes(a.Scales.AsSpan()));
                if (a.ZeroPoints is not null) sections["zeroPoints"] = Append(data, a.ZeroPoints);
                break;
            case BinaryQuantizedWeight b:
                sections["signs"] = Append(data, b.Signs);
                sections["alphas"] = Append(data, MemoryMarshal.AsBytes(b.Alphas.AsSpan()));
                break;
            case PqQuantizedWeight p:
                k = p.K; d = p.D; iterations = p.Iterations; inertia = p.Inertia;
                sections["codebook"] = Append(data, MemoryMarshal.AsBytes(p.Codebook.AsSpan()));
                sections["codes"] = Append(data, p.Codes);
                break;
            case FloatQuantizedWeight { Data: Half[] h }:
                sections["data"] = Append(data, MemoryMarshal.AsBytes(h.AsSpan()));
                break;
            case FloatQuantizedWeight { Data: BFloat16[] bf }:
                sections["data"] = Append(data, MemoryMarshal.AsBytes(bf.AsSpan()));
                break;
            case FloatQuantizedWeight:
                break; // fp32: the weight stays in the graph
            default:
                throw new NotSupportedException($"Layer '{l.Name}': the packed artifact has no section layout for {w.GetType().Name}.");
        }
        var p2 = q.InputParams;
        return new LayerEntry(l.Name, l.OpType, l.Index, l.WeightName, l.WeightInput, l.WeightShape, l.OutputAxis, l.InputAxis, l.BiasName,
            l.IsFirst, l.IsLast, JsonSerializer.SerializeToElement(q.Spec, QuantSpec.JsonOptions), w.Format.Name, w.Shape, w.Axis,
            granularity, groupSize, symmetric, k, d, iterations, inertia, double.IsFinite(w.SqnrDb) ? w.SqnrDb : null,
            double.IsPositiveInfinity(w.SqnrDb),
            p2 is { } ip ? new ParamsEntry(ip.Scale, ip.ZeroPoint, ip.Bits, ip.Signed) : null, sections);
    }

    private static Section Append(MemoryStream data, ReadOnlySpan<byte> bytes)
    {
        long pad = (Alignment - data.Length % Alignment) % Alignment;
        for (long i = 0; i < pad; i++) data.WriteByte(0);
        var s = new Section(data.Length, bytes.Length);
        data.Write(bytes);
        return s;
    }

    // ---- reading ----

    private static byte[] ReadExactly(Stream stream, int count, string what)
    {
        var buffer = new byte[count];
        int got = stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false);
        if (got < count)
            throw new InvalidDataException($"The packed artifact is truncated: its {what} should hold {count} bytes, the file ends after {got}.");
        return buffer;
    }

    private static byte[] Slice(byte[] data, Section s, string what)
    {
        if (s.Offset < 0 || s.Length < 0 || s.Offset + s.Length > data.Length)
            throw new InvalidDataException($"The packed artifact's {what} section [{s.Offset}, {s.Offset + s.Length}) lies outside its {data.Length} bytes of data.");
        return data.AsSpan((int)s.Offset, (int)s.Length).ToArray();
    }

    private static T[] Array<T>(byte[] data, LayerEntry e, string section, int count) where T : struct
    {
        var bytes = Bytes(data, e, section);
        int size = Marshal.SizeOf<T>();
        if (bytes.Length != (long)count * size)
            throw new InvalidDataException($"Layer '{e.Name}': section '{section}' holds {bytes.Length} bytes; {e.Format} {TensorShape.Format(e.Shape)} needs {(long)count * size}.");
        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    private static byte[] Bytes(byte[] data, LayerEntry e, string section, int? expected = null)
    {
        if (!e.Sections.TryGetValue(section, out var s))
            throw new InvalidDataException($"Layer '{e.Name}' ({e.Format}) has no '{section}' section.");
        var bytes = Slice(data, s, $"layer '{e.Name}' {section}");
        if (expected is { } n && bytes.Length != n)
            throw new InvalidDataException($"Layer '{e.Name}': section '{section}' holds {bytes.Length} bytes; {e.Format} {TensorShape.Format(e.Shape)} needs {n}.");
        return bytes;
    }

    private static QuantizedLayer ReadLayer(LayerEntry e, byte[] data, ModelGraph graph)
    {
        var node = graph.Nodes.FirstOrDefault(n => n.Name == e.Name)
            ?? throw new InvalidDataException($"Layer '{e.Name}' is not a node of the packed model.");
        LayerSpec spec;
        WeightFormat format;
        try
        {
            spec = e.Spec.Deserialize<LayerSpec>(QuantSpec.JsonOptions) ?? throw new FormatException("null");
            format = WeightFormat.Parse(e.Format);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw new InvalidDataException($"Layer '{e.Name}': its spec or format '{e.Format}' cannot be read: {ex.Message}", ex);
        }
        var shape = e.Shape;
        long count = TensorShape.ElementCount(shape);
        var layout = new ChannelLayout(shape, e.Axis);
        QuantizedWeight w;
        switch (format.Kind)
        {
            case WeightFormatKind.Int8 or WeightFormatKind.Int4 or WeightFormatKind.Int2:
            {
                var granularity = Granularity.Parse(e.Granularity ?? throw new InvalidDataException($"Layer '{e.Name}' ({e.Format}) has no granularity."));
                int bits = format.IntegerBits;
                int groupSize = e.GroupSize;
                if (groupSize < 1 && layout.RowLength > 0) throw new InvalidDataException($"Layer '{e.Name}': group size {groupSize} is invalid.");
                int groups = groupSize == 0 ? 0 : (layout.RowLength + groupSize - 1) / groupSize;
                int paramCount = granularity.Kind == GranularityKind.PerTensor ? 1 : layout.Channels * groups;
                var codes = Bytes(data, e, "codes", layout.Channels * BitPacking.RowBytes(layout.RowLength, bits));
                var scales = Array<float>(data, e, "scales", paramCount);
                bool symmetric = e.Symmetric ?? throw new InvalidDataException($"Layer '{e.Name}' ({e.Format}) does not say whether it is symmetric.");
                byte[]? zp = symmetric ? null : Bytes(data, e, "zeroPoints", paramCount);
                w = new AffineQuantizedWeight(format, shape, e.Axis, granularity, symmetric, groupSize, codes, scales, zp);
                break;
            }
            case WeightFormatKind.Binary:
                w = new BinaryQuantizedWeight(shape, e.Axis, Bytes(data, e, "signs", layout.Channels * BitPacking.RowBytes(layout.RowLength, 1)),
                    Array<float>(data, e, "alphas", layout.Channels));
                break;
            case WeightFormatKind.Pq:
            {
                if (e.K < 1 || e.D < 1 || layout.RowLength % e.D != 0)
                    throw new InvalidDataException($"Layer '{e.Name}': PQ k = {e.K}, d = {e.D} do not fit rows of {layout.RowLength}.");
                int subvectors = layout.Channels * (layout.RowLength / e.D);
                w = new PqQuantizedWeight(shape, e.Axis, e.K, e.D, Array<float>(data, e, "codebook", e.K * e.D),
                    Bytes(data, e, "codes", subvectors * (e.K <= 256 ? 1 : 2)), e.Iterations, e.Inertia);
                break;
            }
            case WeightFormatKind.Fp16:
                w = FloatOf(format, shape, e.Axis, Array<Half>(data, e, "data", (int)count));
                break;
            case WeightFormatKind.Bf16:
                w = FloatOf(format, shape, e.Axis, Array<ushort>(data, e, "data", (int)count).Select(u => new BFloat16(u)).ToArray());
                break;
            default:
                if (!graph.Initializers.TryGetValue(e.WeightName, out var t) || t.Type != DataType.Float || !t.Shape.SequenceEqual(shape))
                    throw new InvalidDataException($"Layer '{e.Name}' is fp32 but the packed model has no float weight '{e.WeightName}' of shape {TensorShape.Format(shape)}.");
                w = FloatOf(format, shape, e.Axis, (float[])t.Floats.Clone());
                break;
        }
        w.SqnrDb = e.SqnrDb ?? (e.SqnrInfinite ? double.PositiveInfinity : double.NaN);
        if (format.Kind != WeightFormatKind.Fp32) graph.Initializers[e.WeightName] = w.DequantizeTensor();
        var layer = new Layer(e.Name, node, e.Index, e.WeightName, e.WeightInput, shape, e.OutputAxis, e.InputAxis, e.BiasName)
        {
            IsFirst = e.IsFirst,
            IsLast = e.IsLast,
        };
        QuantParams? p = e.InputParams is { } ip ? new QuantParams(ip.Scale, ip.ZeroPoint, ip.Bits, ip.Signed) : null;
        return new QuantizedLayer(layer, spec, w, p);
    }

    private static FloatQuantizedWeight FloatOf(WeightFormat format, int[] shape, int axis, Array data) => new(format, shape, axis, data);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record Section(long Offset, long Length);

    private sealed record ParamsEntry(float Scale, int ZeroPoint, int Bits, bool Signed);

    private sealed record Manifest(int FormatVersion, JsonElement Spec, Section Model, string DataSha256, List<LayerEntry> Layers);

    private sealed record LayerEntry(
        string Name, string Op, int Index, string WeightName, int WeightInput, int[] WeightShape, int OutputAxis, int InputAxis, string? BiasName,
        bool IsFirst, bool IsLast, JsonElement Spec, string Format, int[] Shape, int Axis,
        string? Granularity, int GroupSize, bool? Symmetric, int K, int D, int Iterations, double Inertia, double? SqnrDb, bool SqnrInfinite,
        ParamsEntry? InputParams, Dictionary<string, Section> Sections);
}
