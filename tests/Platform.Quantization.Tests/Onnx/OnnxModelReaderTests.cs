using Google.Protobuf;
using Platform.Quantization.Graph;
using Platform.Quantization.Onnx;
using Platform.Quantization.Onnx.Proto;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Onnx;

public class OnnxModelReaderTests
{
    [Fact]
    public void Reads_the_fashion_cnn_fixture()
    {
        var m = OnnxModelReader.Read(TestPaths.Model("fashion_cnn_bn.onnx"));
        Assert.Equal("x", Assert.Single(m.Graph.Inputs).Name);
        Assert.Equal("logits", Assert.Single(m.Graph.Outputs).Name);
        Assert.Equal(2, m.Graph.OperatorCounts()["BatchNormalization"]);
        Assert.Equal(13, m.Opset);
        var conv = m.Graph.Nodes.First(n => n.OpType == "Conv");
        var w = m.Graph.Initializers[conv.Inputs[1]];
        Assert.Equal([16, 1, 3, 3], w.Shape);
        Assert.Equal(DataType.Float, w.Type);
    }

    [Fact]
    public void Write_then_read_gives_the_same_graph_and_tensors()
    {
        var m = OnnxModelReader.Read(TestPaths.Model("digits_cnn.onnx"));
        var again = OnnxModelReader.Read(OnnxModelWriter.ToBytes(m));
        Assert.Equal(m.Graph.Nodes.Select(n => n.OpType), again.Graph.Nodes.Select(n => n.OpType));
        Assert.Equal(m.Graph.Initializers.Keys.Order(), again.Graph.Initializers.Keys.Order());
        foreach (var (name, t) in m.Graph.Initializers)
        {
            Assert.Equal(t.Shape, again.Graph.Initializers[name].Shape);
            Assert.Equal(t.Floats, again.Graph.Initializers[name].Floats);
        }
        var conv = again.Graph.Nodes.First(n => n.OpType == "Conv");
        Assert.Equal(m.Graph.Nodes.First(n => n.OpType == "Conv").GetInts("pads"), conv.GetInts("pads"));
    }

    [Fact]
    public void A_truncated_file_is_reported_as_not_a_valid_model()
    {
        var bytes = File.ReadAllBytes(TestPaths.Model("digits_mlp.onnx"));
        var e = Assert.Throws<InvalidModelException>(() => OnnxModelReader.Read(bytes[..(bytes.Length / 2)], "half.onnx"));
        Assert.Contains("half.onnx", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_text_file_is_not_an_onnx_model()
    {
        var e = Assert.Throws<InvalidModelException>(() => OnnxModelReader.Read("hello, this is not a model\n"u8.ToArray(), "notes.txt"));
        Assert.Contains("notes.txt", e.Message);
    }

    [Fact]
    public void Absurd_shapes_are_rejected_with_the_tensor_named()
    {
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        var t = new TensorProto { Name = "huge", DataType = 1 };
        t.Dims.Add(1_000_000); t.Dims.Add(1_000_000);
        t.RawData = ByteString.CopyFrom(new byte[16]);
        model.Graph.Initializer.Add(t);
        var e = Assert.Throws<InvalidModelException>(() => OnnxModelReader.Read(model.ToByteArray()));
        Assert.Contains("'huge'", e.Message);

        t.Dims.Clear(); t.Dims.Add(5);
        e = Assert.Throws<InvalidModelException>(() => OnnxModelReader.Read(model.ToByteArray()));
        Assert.Contains("holds 16 bytes", e.Message);
    }

    [Fact]
    public void External_data_is_read_from_next_to_the_model_and_must_stay_inside_its_folder()
    {
        var dir = TestPaths.TempDirectory("extdata");
        var values = new float[] { 1.5f, -2f, 3.25f, 0f };
        var bytes = new byte[8 + 16];
        Buffer.BlockCopy(values, 0, bytes, 8, 16);
        File.WriteAllBytes(Path.Combine(dir, "weights.bin"), bytes);

        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        var t = new TensorProto { Name = "w", DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        t.Dims.Add(2); t.Dims.Add(2);
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "8" });
        t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "16" });
        model.Graph.Initializer.Add(t);
        File.WriteAllBytes(Path.Combine(dir, "m.onnx"), model.ToByteArray());

        var read = OnnxModelReader.Read(Path.Combine(dir, "m.onnx"));
        Assert.Equal(values, read.Graph.Initializers["w"].Floats);

        t.ExternalData[0].Value = "../../etc/passwd";
        File.WriteAllBytes(Path.Combine(dir, "m2.onnx"), model.ToByteArray());
        var e = Assert.Throws<InvalidModelException>(() => OnnxModelReader.Read(Path.Combine(dir, "m2.onnx")));
        Assert.Contains("inside the model's folder", e.Message);
    }

    [Fact]
    public void Typed_fields_decode_like_raw_data()
    {
        var t = new TensorProto { Name = "h", DataType = (int)DataType.Float16 };
        t.Dims.Add(2);
        t.Int32Data.Add(BitConverter.HalfToUInt16Bits((Half)1.5f));
        t.Int32Data.Add(BitConverter.HalfToUInt16Bits((Half)(-2f)));
        var tensor = TensorProtoConverter.ToTensor(t, null, "test");
        Assert.Equal([(Half)1.5f, (Half)(-2f)], tensor.As<Half>());
    }
}
