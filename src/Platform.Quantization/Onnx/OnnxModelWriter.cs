using Google.Protobuf;
using Platform.Quantization.Graph;
using Platform.Quantization.Onnx.Proto;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Onnx;

/// <summary>Writes the graph IR as an ONNX file (tensors as raw_data; strings as string_data).</summary>
public static class OnnxModelWriter
{
    public static void Write(OnnxModel model, string path)
    {
        var proto = ToProto(model);
        using var fs = File.Create(path);
        proto.WriteTo(fs);
    }

    public static byte[] ToBytes(OnnxModel model) => ToProto(model).ToByteArray();

    internal static ModelProto ToProto(OnnxModel model)
    {
        var p = new ModelProto
        {
            IrVersion = model.IrVersion,
            ProducerName = model.ProducerName,
            ProducerVersion = model.ProducerVersion,
            Graph = ToProto(model.Graph),
        };
        foreach (var (domain, version) in model.Opsets) p.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        foreach (var (k, v) in model.Metadata) p.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        return p;
    }

    internal static GraphProto ToProto(ModelGraph g)
    {
        var p = new GraphProto { Name = g.Name };
        foreach (var (name, t) in g.Initializers) p.Initializer.Add(TensorProtoConverter.ToProto(t, name));
        foreach (var i in g.Inputs) p.Input.Add(ToProto(i));
        foreach (var o in g.Outputs) p.Output.Add(ToProto(o));
        foreach (var v in g.ValueInfos) p.ValueInfo.Add(ToProto(v));
        foreach (var n in g.Nodes) p.Node.Add(ToProto(n));
        return p;
    }

    private static ValueInfoProto ToProto(ValueInfo v)
    {
        var tt = new TypeProto.Types.Tensor { ElemType = (int)v.ElementType };
        if (v.Shape is not null)
        {
            tt.Shape = new TensorShapeProto();
            foreach (var d in v.Shape)
            {
                var dim = new TensorShapeProto.Types.Dimension();
                if (d.Value is long val) dim.DimValue = val;
                else if (d.Param is string s) dim.DimParam = s;
                tt.Shape.Dim.Add(dim);
            }
        }
        return new ValueInfoProto { Name = v.Name, Type = new TypeProto { TensorType = tt } };
    }

    private static NodeProto ToProto(Node n)
    {
        var p = new NodeProto { OpType = n.OpType, Name = n.Name };
        if (n.Domain.Length > 0) p.Domain = n.Domain;
        p.Input.AddRange(n.Inputs);
        p.Output.AddRange(n.Outputs);
        foreach (var a in n.Attributes.Values)
        {
            if (a.Kind == AttributeKind.Undefined) continue;
            var ap = new AttributeProto { Name = a.Name, Type = (AttributeProto.Types.AttributeType)(int)a.Kind };
            switch (a.Kind)
            {
                case AttributeKind.Float: ap.F = a.F; break;
                case AttributeKind.Int: ap.I = a.I; break;
                case AttributeKind.String: ap.S = ByteString.CopyFromUtf8(a.S ?? ""); break;
                case AttributeKind.Tensor: ap.T = TensorProtoConverter.ToProto(a.T!, ""); break;
                case AttributeKind.Graph: ap.G = ToProto(a.G!); break;
                case AttributeKind.Floats: ap.Floats.AddRange(a.Floats ?? []); break;
                case AttributeKind.Ints: ap.Ints.AddRange(a.Ints ?? []); break;
                case AttributeKind.Strings: ap.Strings.AddRange((a.Strings ?? []).Select(ByteString.CopyFromUtf8)); break;
                case AttributeKind.Tensors: ap.Tensors.AddRange((a.Tensors ?? []).Select(t => TensorProtoConverter.ToProto(t, ""))); break;
            }
            p.Attribute.Add(ap);
        }
        return p;
    }
}
