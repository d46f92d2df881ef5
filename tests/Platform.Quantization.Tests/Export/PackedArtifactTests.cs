using Platform.Quantization.Export;
using Platform.Quantization.Formats;
using Platform.Quantization.Graph;
using Platform.Quantization.Onnx;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Specs;

namespace Platform.Quantization.Tests.Export;

public class PackedArtifactTests
{
    public static TheoryData<string, string> Formats => new()
    {
        { "mlp", "int8 per-channel sym static-u8" },
        { "mlp", "int8 per-tensor asym dynamic" },
        { "mlp", "int8 per-group:16 asym" },
        { "mlp", "int4 per-group:16 sym" },
        { "mlp", "int4 per-group:32 asym static-s8" },
        { "mlp", "int4 per-channel asym" },
        { "mlp", "int4 per-tensor sym" },
        { "mlp", "int2 per-channel sym" },
        { "mlp", "int2 per-group:16 asym" },
        { "mlp", "int2 per-tensor asym" },
        { "mlp", "binary" },
        { "mlp", "pq:k=256,d=4" },
        { "mlp", "pq:k=16,d=8" },
        { "mlp", "pq:k=512,d=2" },
        { "mlp", "fp16" },
        { "mlp", "bf16" },
        { "mlp", "fp32" },
        { "cnn", "int8 per-channel asym static-u8" },
        { "cnn", "int4 per-group:8 asym" },
        { "cnn", "int2 per-group:9 sym" },
        { "cnn", "binary" },
        { "cnn", "pq:k=32" },
        { "cnn", "bf16" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Reads_back_what_it_wrote_and_evaluates_identically(string model, string specText)
    {
        var prepared = model == "mlp" ? ExportTestModels.Mlp() : ExportTestModels.Cnn();
        var layerSpec = QdqExporterTests.Parse(specText);
        // the first layer stays fp32, as the presets keep it: a mixed model
        var layers = ExportTestModels.Quantize(prepared, l => l.IsFirst && model == "mlp" ? LayerSpec.Int8WeightOnly : layerSpec);
        var spec = new QuantSpec { Default = layerSpec, FirstLastLayers = FirstLastLayerPolicy.Int8 };
        var bytes = Pack(prepared, layers, spec);

        var read = PackedArtifact.Read(new MemoryStream(bytes));
        Assert.Equal(spec, read.Spec);
        Assert.Equal(layers.Count, read.Layers.Count);
        for (int i = 0; i < layers.Count; i++) AssertSameLayer(layers[i], read.Layers[i]);

        var x = ExportTestModels.Input(prepared, batch: 5);
        var expected = ExportTestModels.RunFakeQuant(prepared, layers, x)["y"].Floats;
        Assert.Equal(expected, ExportTestModels.RunFakeQuant(read.Prepared, read.Layers, x)["y"].Floats);
        // the packed graph's weights are the dequantized images: weight-only, it is the fake-quant model itself
        var weightOnly = read.Layers.Select(l => l with { Spec = l.Spec with { Activations = ActivationMode.None } }).ToList();
        Assert.Equal(ExportTestModels.RunFakeQuant(read.Prepared, weightOnly, x)["y"].Floats,
            new Platform.Quantization.Runtime.Plan(read.Prepared).Run(x)["y"].Floats);

        if (layerSpec.Weights.Kind is not (WeightFormatKind.Fp32))
            Assert.True(bytes.Length < OnnxModelWriter.ToBytes(prepared).Length, $"{specText}: {bytes.Length} B packed against {OnnxModelWriter.ToBytes(prepared).Length} B fp32");
    }

    /// <summary>Our real-kernel plan runs the layers read back exactly as it runs the ones written.</summary>
    [QuantizedPlanFact]
    public void The_quantized_plan_runs_read_back_layers_as_the_originals()
    {
        foreach (var (model, text) in (ValueTuple<string, string>[])[("mlp", "int8 per-channel sym static-u8"), ("mlp", "int4 per-group:32 asym"),
                     ("cnn", "int8 per-channel sym static-u8"), ("mlp", "binary"), ("mlp", "pq:k=16,d=4"), ("mlp", "fp16")])
        {
            var prepared = model == "mlp" ? ExportTestModels.Mlp() : ExportTestModels.Cnn();
            var layerSpec = QdqExporterTests.Parse(text);
            var layers = ExportTestModels.Quantize(prepared, layerSpec);
            var read = PackedArtifact.Read(new MemoryStream(Pack(prepared, layers, new QuantSpec { Default = layerSpec })));
            var x = ExportTestModels.Input(prepared, batch: 4);
            var options = new Platform.Quantization.Runtime.PlanOptions { Threads = 1 };
            var expected = Platform.Quantization.Execution.QuantizedPlan.Build(prepared, layers, options).Run(x)["y"].Floats;
            var actual = Platform.Quantization.Execution.QuantizedPlan.Build(read.Prepared, read.Layers, options).Run(x)["y"].Floats;
            Assert.Equal(expected, actual);
        }
    }

    private static byte[] Pack(OnnxModel prepared, IReadOnlyList<QuantizedLayer> layers, QuantSpec spec)
    {
        var ms = new MemoryStream();
        PackedArtifact.Write(ms, prepared, layers, spec);
        return ms.ToArray();
    }

    private static void AssertSameLayer(QuantizedLayer a, QuantizedLayer b)
    {
        Assert.Equal(a.Layer.Name, b.Layer.Name);
        Assert.Equal(a.Layer.OpType, b.Layer.OpType);
        Assert.Equal(a.Layer.WeightName, b.Layer.WeightName);
        Assert.Equal(a.Layer.WeightInput, b.Layer.WeightInput);
        Assert.Equal(a.Layer.WeightShape, b.Layer.WeightShape);
        Assert.Equal((a.Layer.OutputAxis, a.Layer.InputAxis, a.Layer.BiasName, a.Layer.Index, a.Layer.IsFirst, a.Layer.IsLast),
            (b.Layer.OutputAxis, b.Layer.InputAxis, b.Layer.BiasName, b.Layer.Index, b.Layer.IsFirst, b.Layer.IsLast));
        Assert.Equal(a.Spec, b.Spec);
        Assert.Equal(a.InputParams, b.InputParams);
        Assert.Equal(a.Weight.GetType(), b.Weight.GetType());
        Assert.Equal(a.Weight.Format, b.Weight.Format);
        Assert.Equal(a.Weight.Shape, b.Weight.Shape);
        Assert.Equal(a.Weight.Axis, b.Weight.Axis);
        Assert.Equal(a.Weight.SizeBytes, b.Weight.SizeBytes);
        Assert.Equal(a.Weight.SqnrDb, b.Weight.SqnrDb);
        switch (a.Weight)
        {
            case AffineQuantizedWeight x:
                var y = (AffineQuantizedWeight)b.Weight;
                Assert.Equal(x.Codes, y.Codes);
                Assert.Equal(x.Scales, y.Scales);
                Assert.Equal(x.ZeroPoints, y.ZeroPoints);
                Assert.Equal((x.Granularity, x.Symmetric, x.GroupSize), (y.Granularity, y.Symmetric, y.GroupSize));
                break;
            case BinaryQuantizedWeight x:
                var by = (BinaryQuantizedWeight)b.Weight;
                Assert.Equal(x.Signs, by.Signs);
                Assert.Equal(x.Alphas, by.Alphas);
                break;
            case PqQuantizedWeight x:
                var py = (PqQuantizedWeight)b.Weight;
                Assert.Equal((x.K, x.D, x.Iterations, x.Inertia), (py.K, py.D, py.Iterations, py.Inertia));
                Assert.Equal(x.Codebook, py.Codebook);
                Assert.Equal(x.Codes, py.Codes);
                break;
            case FloatQuantizedWeight x:
                Assert.Equal(x.Data, ((FloatQuantizedWeight)b.Weight).Data);
                break;
        }
        Assert.Equal(a.Weight.Dequantize(), b.Weight.Dequantize());
    }

    private static byte[] Sample()
    {
        var prepared = ExportTestModels.Mlp();
        var spec = QdqExporterTests.Parse("int4 per-group:16 asym");
        return Pack(prepared, ExportTestModels.Quantize(prepared, spec), new QuantSpec { Default = spec });
    }

    [Fact]
    public void A_wrong_magic_is_refused()
    {
        var bytes = Sample();
        bytes[0] = (byte)'X';
        var e = Assert.Throws<InvalidDataException>(() => PackedArtifact.Read(new MemoryStream(bytes)));
        Assert.Contains("Not a qplat packed artifact", e.Message);
        Assert.Throws<InvalidDataException>(() => PackedArtifact.Read(new MemoryStream(OnnxModelWriter.ToBytes(ExportTestModels.Mlp()))));
    }

    [Fact]
    public void A_newer_format_version_is_refused_with_its_number()
    {
        var bytes = Sample();
        bytes[8] = PackedArtifact.FormatVersion + 1;
        var e = Assert.Throws<InvalidDataException>(() => PackedArtifact.Read(new MemoryStream(bytes)));
        Assert.Contains($"format version {PackedArtifact.FormatVersion + 1}", e.Message);
        Assert.Contains("newer qplat", e.Message);
    }

    [Fact]
    public void A_truncated_file_is_refused_wherever_it_ends()
    {
        var bytes = Sample();
        foreach (int length in (int[])[0, 5, 12, 23, 24, 100, bytes.Length / 2, bytes.Length - 1])
        {
            var e = Assert.Throws<InvalidDataException>(() => PackedArtifact.Read(new MemoryStream(bytes[..length])));
            Assert.True(e.Message.Contains("truncated") || e.Message.Contains("Not a qplat"), $"cut at {length}: {e.Message}");
        }
    }

    [Fact]
    public void An_altered_byte_in_the_data_is_detected()
    {
        var bytes = Sample();
        bytes[^10] ^= 0x40;
        var e = Assert.Throws<InvalidDataException>(() => PackedArtifact.Read(new MemoryStream(bytes)));
        Assert.Contains("SHA-256", e.Message);
    }
}
