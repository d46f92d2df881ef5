using Platform.Quantization.Export;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;
using Xunit.Abstractions;

namespace Platform.Quantization.Tests.Export;

/// <summary>
/// ResNet18 (ML.NET's, opset 8): the QDQ export raises the opset to 13 and ONNX Runtime runs it, computing what our
/// fake-quant computes (the bench times this export against our int8 kernels).
/// </summary>
public class ResNet18ExportTests(ITestOutputHelper output)
{
    [Fact]
    public void Int8_qdq_export_of_resnet18_runs_in_onnx_runtime_and_agrees_with_our_fake_quant()
    {
        Assert.True(File.Exists(TestPaths.ResNet18), $"ResNet18 is restored by the test project's PackageDownload; {TestPaths.ResNet18} is missing");
        var prepared = PreparedModel.Load(TestPaths.ResNet18).Model;
        Assert.True(prepared.Opset < 13);
        var spec = QdqExporterTests.Parse("int8 per-channel sym static-u8");
        // a fixed input range stands in for calibration: any parameters will do, both sides use the same ones
        var layers = ExportTestModels.Quantize(prepared, spec).Select(l => l with { InputParams = QuantParamsFor(l.Layer.IsFirst) }).ToList();
        var exported = QdqExporter.Export(prepared, layers);
        Assert.Equal(13, exported.Opset);
        var x = ExportTestModels.Input(prepared, batch: 1);
        var ours = ExportTestModels.RunFakeQuant(prepared, layers, x).Values.Single().Floats;
        using var session = new OnnxRuntimeSession(exported, threads: 2);
        var ort = session.Run(x).Values.Single().Floats;
        double dot = 0, a2 = 0, b2 = 0;
        for (int i = 0; i < ours.Length; i++) { dot += ours[i] * ort[i]; a2 += ours[i] * ours[i]; b2 += ort[i] * ort[i]; }
        double cosine = dot / Math.Sqrt(a2 * b2);
        output.WriteLine($"cosine(ours, ORT) = {cosine:F6} over {ours.Length} features");
        Assert.True(cosine > 0.999, $"ONNX Runtime on the export drifted from our fake-quant: cosine {cosine:F6}");
    }

    private static Platform.Quantization.Formats.QuantParams QuantParamsFor(bool first) =>
        first ? Platform.Quantization.Formats.QuantParams.FromRange(-3f, 3f, 8, false) : Platform.Quantization.Formats.QuantParams.FromRange(-1f, 8f, 8, false);
}
