using Google.Protobuf;
using Platform.Quantization.Graph;
using Platform.Quantization.Onnx.Proto;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Onnx;

/// <summary>
/// Reads ONNX files into the graph IR. Anything that is not a usable model — not protobuf, truncated,
/// no graph, tensors whose data does not match their shape — throws <see cref="InvalidModelException"/>
/// with a message naming the file and the problem.
/// </summary>
public static class OnnxModelReader
{

    public static OnnxModel Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        return Read(stream, Path.GetDirectoryName(Path.GetFullPath(path)), Path.GetFileName(path));
    }

    /// <param name="baseDirectory">Folder that external-data locations are relative to (null: external data is an error).</param>
    /// <param name="displayName">Name used in error messages.</param>
    public static OnnxModel Read(Stream stream, string? baseDirectory = null, string displayName = "model")
    {
        ModelProto proto;
        try
        {
            var input = new CodedInputStream(stream, leaveOpen: true);
            proto = new ModelProto();
            proto.MergeFrom(input);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidModelException($"'{displayName}' is not a valid ONNX model (corrupt or truncated protobuf: {e.Message})", e);
        }
        catch (IOException e)
        {
            throw new InvalidModelException($"'{displayName}' could not be read: {e.Message}", e);
        }
        return FromProto(proto, baseDirectory, displayName);
    }

    public static OnnxModel Read(byte[] bytes, string displayName = "model") =>
        Read(new MemoryStream(bytes, writable: false), null, displayName);

    internal static OnnxModel FromProto(ModelProto proto, string? baseDirectory, string displayName)
    {
        if (proto.Graph is null || !proto.HasIrVersion)
            throw new InvalidModelException($"'{displayName}' is not an ONNX model: it has no {(proto.Graph is null ? "graph" : "IR version")}.");
        if (proto.IrVersion is < 1 or > 100)
            throw new InvalidModelException($"'{displayName}' is not an ONNX model: IR version {proto.IrVersion} is not valid.");
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var o in proto.OpsetImport) opsets[o.Domain == "ai.onnx" ? "" : o.Domain ?? ""] = o.Version;
        if (opsets.Count == 0) opsets[""] = 1; // IR < 3 models name no opset: ONNX says version 1
        var model = new OnnxModel
        {
            Graph = ReadGraph(proto.Graph, baseDirectory, displayName),
            Opsets = opsets,
            IrVersion = proto.IrVersion,
            ProducerName = proto.ProducerName ?? "",
            ProducerVersion = proto.ProducerVersion ?? "",
        };
        foreach (var m in proto.MetadataProps) model.Metadata[m.Key] = m.Value;
        return model;
    }

    internal static ModelGraph ReadGraph(GraphProto g, string? baseDirectory, string displayName)
    {
        var graph = new ModelGraph { Name = g.Name ?? "graph" };
        foreach (var init in g.Initializer)
        {
            if (string.IsNullOrEmpty(init.Name))
                throw new InvalidModelException($"'{displayName}': an initializer has no name.");
            graph.Initializers[init.Name] = TensorProtoConverter.ToTensor(init, baseDirectory, "initializer");
        }
        if (g.SparseInitializer.Count > 0)
            throw new InvalidModelException($"'{displayName}': sparse initializers ('{g.SparseInitializer[0].Values?.Name}') are not supported.");
        foreach (var i in g.Input)
            if (!graph.Initializers.ContainsKey(i.Name)) graph.Inputs.Add(ReadValueInfo(i));
        foreach (var o in g.Output) graph.Outputs.Add(ReadValueInfo(o));
        foreach (var v in g.ValueInfo) graph.ValueInfos.Add(ReadValueInfo(v));
        foreach (var n in g.Node) graph.Nodes.Add(ReadNode(n, baseDirectory, displayName));
        return graph;
    }

    private static ValueInfo ReadValueInfo(ValueInfoProto v)
    {
        var tt = v.Type?.TensorType;
        if (tt is null) return new ValueInfo { Name = v.Name, ElementType = DataType.Undefined };
        Dim[]? shape = tt.Shape is null ? null : tt.Shape.Dim.Select(d =>
            d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? Dim.Fixed(d.DimValue)
            : d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? Dim.Symbol(d.DimParam)
            : new Dim(null, null)).ToArray();
        var et = (DataType)tt.ElemType;
        return new ValueInfo { Name = v.Name, ElementType = Enum.IsDefined(et) ? et : DataType.Undefined, Shape = shape };
    }

    private static Node ReadNode(NodeProto n, string? baseDirectory, string displayName)
    {
        if (string.IsNullOrEmpty(n.OpType))
            throw new InvalidModelException($"'{displayName}': node '{n.Name}' has no operator type.");
        var node = new Node
        {
            Name = n.Name ?? "",
            OpType = n.OpType,
            Domain = n.Domain ?? "",
            Inputs = [.. n.Input],
            Outputs = [.. n.Output],
        };
        foreach (var a in n.Attribute)
            node.Attributes[a.Name] = ReadAttribute(a, node, baseDirectory, displayName);
        return node;
    }

    private static NodeAttribute ReadAttribute(AttributeProto a, Node node, string? baseDirectory, string displayName)
    {
        var kind = a.HasType ? (AttributeKind)(int)a.Type : InferKind(a);
        string what = $"attribute '{a.Name}' of {node.Describe()}";
        return kind switch
        {
            AttributeKind.Float => new NodeAttribute { Name = a.Name, Kind = kind, F = a.F },
            AttributeKind.Int => new NodeAttribute { Name = a.Name, Kind = kind, I = a.I },
            AttributeKind.String => new NodeAttribute { Name = a.Name, Kind = kind, S = a.S.ToStringUtf8() },
            AttributeKind.Tensor => new NodeAttribute { Name = a.Name, Kind = kind, T = TensorProtoConverter.ToTensor(a.T ?? new TensorProto(), baseDirectory, what) },
            AttributeKind.Graph => new NodeAttribute { Name = a.Name, Kind = kind, G = ReadGraph(a.G ?? new GraphProto(), baseDirectory, displayName) },
            AttributeKind.Floats => new NodeAttribute { Name = a.Name, Kind = kind, Floats = [.. a.Floats] },
            AttributeKind.Ints => new NodeAttribute { Name = a.Name, Kind = kind, Ints = [.. a.Ints] },
            AttributeKind.Strings => new NodeAttribute { Name = a.Name, Kind = kind, Strings = a.Strings.Select(s => s.ToStringUtf8()).ToArray() },
            AttributeKind.Tensors => new NodeAttribute { Name = a.Name, Kind = kind, Tensors = a.Tensors.Select(t => TensorProtoConverter.ToTensor(t, baseDirectory, what)).ToArray() },
            // Sparse tensors, type protos and graph lists are kept by name only: no operator we run reads them.
            _ => new NodeAttribute { Name = a.Name, Kind = AttributeKind.Undefined },
        };
    }

    /// <summary>IR version 1 attributes carry no type: infer it from the field that is set.</summary>
    private static AttributeKind InferKind(AttributeProto a) =>
        a.HasF ? AttributeKind.Float : a.HasI ? AttributeKind.Int : a.HasS ? AttributeKind.String :
        a.T is not null ? AttributeKind.Tensor : a.G is not null ? AttributeKind.Graph :
        a.Floats.Count > 0 ? AttributeKind.Floats : a.Ints.Count > 0 ? AttributeKind.Ints :
        a.Strings.Count > 0 ? AttributeKind.Strings : a.Tensors.Count > 0 ? AttributeKind.Tensors : AttributeKind.Undefined;

    /// <summary>Reads a serialized TensorProto (.pb), as ONNX's node tests store their inputs and outputs.</summary>
    public static Tensor ReadTensor(string path)
    {
        TensorProto p;
        try
        {
            using var s = File.OpenRead(path);
            p = TensorProto.Parser.ParseFrom(s);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidModelException($"'{path}' is not a valid TensorProto: {e.Message}", e);
        }
        return TensorProtoConverter.ToTensor(p, Path.GetDirectoryName(Path.GetFullPath(path)), $"tensor in '{Path.GetFileName(path)}'");
    }

    /// <summary>Name stored in a serialized TensorProto (node tests name inputs this way).</summary>
    public static string ReadTensorName(string path)
    {
        using var s = File.OpenRead(path);
        return TensorProto.Parser.ParseFrom(s).Name ?? "";
    }
}
