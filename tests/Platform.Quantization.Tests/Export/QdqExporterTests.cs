using Platform.Quantization.Export;
using Platform.Quantization.Graph;
using Platform.Quantization.Onnx;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;
using Xunit.Abstractions;

namespace Platform.Quantization.Tests.Export;

public class QdqExporterTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Specs => new()
    {
        { "mlp", "int8 per-channel sym static-u8" },
        { "mlp", "int8 per-tensor asym dynamic" },
        { "mlp", "int8 per-group:16 sym" },
        { "mlp", "int8 per-group:16 asym" },
        { "mlp", "int4 per-group:32 sym" },
        { "mlp", "int4 per-group:16 asym" },
        { "mlp", "int4 per-channel asym" },
        { "mlp", "int4 per-tensor sym" },
        { "mlp", "int4 per-group:24 asym" },
        { "mlp", "int4 per-group:24 asym static-u8" },
        { "mlp", "int8 per-group:16 sym dynamic" },
        { "mlp", "int4 per-group:32 asym static-u8" },
        { "mlp", "int4 per-group:32 asym static-2" },
        { "mlp", "fp16" },
        { "mlp", "bf16" },
        { "mlp", "int2 per-group:16 asym" },
        { "mlp", "binary" },
        { "mlp", "pq:k=16,d=4" },
        { "cnn", "int8 per-channel sym static-u8" },
        { "cnn", "int8 per-channel asym static-s8" },
        { "cnn", "int8 per-channel asym" },
        { "cnn", "int8 per-channel sym static-s8" },
        { "cnn", "int8 per-channel sym" },
        { "cnn", "int4 per-group:32 asym" },
        { "cnn", "int4 per-group:8 sym" },
        { "cnn", "int4 per-channel sym" },
        { "cnn", "int8 per-group:8 asym dynamic" },
        { "cnn", "fp16" },
        { "deconv", "int4 per-group:16 asym" },
        { "deconv", "int8 per-group:9 sym static-u8" },
        { "deconv", "int8 per-channel asym" },
        { "gemmT", "int4 per-group:32 sym" },
        { "gemmT", "int8 per-channel sym dynamic" },
    };

    /// <summary>"int4 per-group:32 asym static-u8" → a LayerSpec.</summary>
    public static LayerSpec Parse(string text)
    {
        var parts = text.Split(' ');
        var spec = new LayerSpec { Weights = WeightFormat.Parse(parts[0]) };
        foreach (var p in parts.Skip(1))
        {
            spec = p switch
            {
                "sym" => spec with { Symmetric = true },
                "asym" => spec with { Symmetric = false },
                "dynamic" => spec with { Activations = ActivationMode.Dynamic, ActivationBits = 8 },
                "static-u8" => spec with { Activations = ActivationMode.Static, ActivationBits = 8 },
                "static-s8" => spec with { Activations = ActivationMode.Static, ActivationBits = 8, ActivationSymmetric = true },
                "static-2" => spec with { Activations = ActivationMode.Static, ActivationBits = 2 },
                _ => spec with { Granularity = Granularity.Parse(p) },
            };
        }
        return spec;
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Onnx_runtime_on_the_export_computes_what_our_fake_quant_computes(string model, string specText)
    {
        var prepared = ExportTestModels.ByName(model);
        var spec = Parse(specText);
        var layers = ExportTestModels.Quantize(prepared, spec);
        var exported = QdqExporter.Export(prepared, layers);
        var inputs = ExportTestModels.Input(prepared, batch: 7);
        var ours = ExportTestModels.RunFakeQuant(prepared, layers, inputs)["y"].Floats;
        // accuracy_level 4 lets MatMulNBits quantize its input to int8 blocks itself: close, not equal.
        double nbitsTolerance = spec.Weights.Kind == WeightFormatKind.Int4 && spec.QuantizesActivations && model == "mlp" ? 0.05 : 2e-4;
        foreach (bool optimize in (bool[])[false, true])
        {
            // With its fusions on, ORT computes quantized layers in integers and quantizes biases: last-bit differences,
            // which a following activation quantizer can turn into a one-step difference. Without them it must be exact.
            double tolerance = optimize && spec.QuantizesActivations ? Math.Max(nbitsTolerance, 0.01) : nbitsTolerance;
            using var session = new OnnxRuntimeSession(exported, threads: 1, optimize: optimize);
            var ort = session.Run(inputs)["y"].Floats;
            double scale = ours.Max(MathF.Abs);
            double worst = ours.Zip(ort, (a, b) => Math.Abs(a - b)).Max();
            output.WriteLine($"{model} {specText} optimize={optimize}: max |ours − ORT| = {worst:G3} (max |y| {scale:G3})");
            Assert.True(worst <= tolerance * Math.Max(1, scale), $"{model} {specText} (ORT optimizations {(optimize ? "on" : "off")}): max difference {worst:G4} exceeds {tolerance * Math.Max(1, scale):G4}");
        }
        output.WriteLine(exported.Metadata[QdqExporter.LayersMetadataKey]);
    }

    [Fact]
    public void Int8_export_is_qdq_with_int8_initializers_and_per_channel_axes()
    {
        var prepared = ExportTestModels.Cnn();
        var layers = ExportTestModels.Quantize(prepared, Parse("int8 per-channel sym static-u8"));
        var exported = QdqExporter.Export(prepared, layers);
        var ops = exported.Graph.OperatorCounts();
        // three inputs, plus conv1's and conv2's outputs quantized with the next layer's parameters (Relu and Flatten between)
        Assert.Equal(5, ops["QuantizeLinear"]);
        Assert.Equal(8, ops["DequantizeLinear"]);
        Assert.Equal("2", exported.Metadata["qplat.export.quantizedOutputs"]);
        Assert.Contains(exported.Graph.Nodes, n => n.OpType == "QuantizeLinear" && n.Inputs[0] == "h1_float");
        var weightDq = exported.Graph.Nodes.Where(n => n.OpType == "DequantizeLinear" && exported.Graph.Initializers.TryGetValue(n.Inputs[0], out var t) && t.Type == DataType.Int8).ToList();
        Assert.Equal(3, weightDq.Count);
        Assert.All(weightDq, n => Assert.Equal(0, n.GetInt("axis", -1)));
        Assert.DoesNotContain("c1", exported.Graph.Initializers.Keys);
        Assert.True(exported.Opset >= 13);
        Assert.True(OnnxModelWriter.ToBytes(exported).Length < OnnxModelWriter.ToBytes(prepared).Length);
    }

    [Fact]
    public void Int4_matmul_and_gemm_become_matmulnbits_with_packed_blocks()
    {
        var prepared = ExportTestModels.Mlp();
        var layers = ExportTestModels.Quantize(prepared, Parse("int4 per-group:32 asym"));
        var exported = QdqExporter.Export(prepared, layers);
        var nbits = exported.Graph.Nodes.Where(n => n.OpType == "MatMulNBits").ToList();
        Assert.Equal(3, nbits.Count);
        Assert.All(nbits, n => Assert.Equal(QdqExporter.MicrosoftDomain, n.Domain));
        var fc1 = nbits.Single(n => n.Name == "fc1");
        Assert.Equal(64, fc1.GetInt("K", 0));
        Assert.Equal(64, fc1.GetInt("N", 0));
        Assert.Equal(32, fc1.GetInt("block_size", 0));
        Assert.Equal(0, fc1.GetInt("accuracy_level", -1));
        var b = exported.Graph.Initializers[fc1.Inputs[1]];
        Assert.Equal(DataType.UInt8, b.Type);
        Assert.Equal([64, 2, 16], b.Shape);
        Assert.Equal(4, fc1.Inputs.Count); // zero points present: asymmetric
        Assert.Equal(1, exported.Opsets[QdqExporter.MicrosoftDomain]);
        // fc3's alpha and beta·C move to a Mul and an Add after MatMulNBits
        Assert.Contains(exported.Graph.Nodes, n => n.OpType == "Add" && n.Outputs[0] == "y");
    }

    [Fact]
    public void Int4_conv_is_written_as_int4_dequantize_linear_and_says_so()
    {
        var prepared = ExportTestModels.Cnn();
        var layers = ExportTestModels.Quantize(prepared, l => l.OpType == "Conv" ? Parse("int4 per-group:8 asym") : LayerSpec.Fp32);
        var exported = QdqExporter.Export(prepared, layers);
        Assert.Equal(21, exported.Opset);
        Assert.Equal(10, exported.IrVersion);
        Assert.Contains(QdqExporter.Int4MetadataKey, exported.Metadata.Keys);
        var dq = exported.Graph.Nodes.Where(n => n.OpType == "DequantizeLinear").ToList();
        Assert.Equal(2, dq.Count);
        Assert.All(dq, n => Assert.Equal(8, n.GetInt("block_size", 0)));
        Assert.All(dq, n => Assert.True(TensorProtoConverterProbe.IsFourBit(exported.Graph.Initializers[n.Inputs[0]])));
    }

    [Fact]
    public void Xnor_activations_are_refused_with_a_pointer_to_the_packed_artifact()
    {
        var prepared = ExportTestModels.Mlp();
        var spec = new LayerSpec { Weights = WeightFormat.Binary, Activations = ActivationMode.Dynamic, ActivationBits = 1, ActivationSymmetric = true };
        var layers = ExportTestModels.Quantize(prepared, spec);
        var e = Assert.Throws<NotSupportedException>(() => QdqExporter.Export(prepared, layers));
        Assert.Contains("fc1", e.Message);
        Assert.Contains("packed", e.Message);
    }

    [Fact]
    public void Layers_from_another_model_are_refused_by_name()
    {
        var layers = ExportTestModels.Quantize(ExportTestModels.Mlp(), Parse("int8 per-channel sym"));
        var e = Assert.Throws<InvalidModelException>(() => QdqExporter.Export(ExportTestModels.Cnn(), layers));
        Assert.Contains("fc1", e.Message);
    }
}

internal static class TensorProtoConverterProbe
{
    public static bool IsFourBit(Tensor t) => TensorProtoConverter.TryGetFourBit(t, out _, out _);
}
