using Platform.Quantization.Export;
using Platform.Quantization.Onnx;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Tests.Export;

namespace Platform.Quantization.Tests.Cli;

public class QuantizeExportCliTests
{
    private static (int Code, string Out, string Err) Qplat(params string[] args) => QplatCliTests.Qplat(args);

    [Fact]
    public void Export_onnx_writes_a_qdq_model_onnx_runtime_runs_beside_the_usual_files()
    {
        var npz = QplatCliTests.DigitsNpz(out _, image: true);
        var dir = TestPaths.TempDirectory("q-export-onnx");
        var (code, _, stderr) = Qplat("quantize", TestPaths.Model("digits_cnn.onnx"), "--calib", npz, "--eval", npz, "--spec", "int8", "--out", dir, "--export", "onnx", "--json");
        Assert.True(code == 0, stderr);
        foreach (var f in (string[])["model.onnx", "report.json", "spec.json", "model.qdq.onnx"]) Assert.True(File.Exists(Path.Combine(dir, f)), f);
        Assert.Contains("model.qdq.onnx", stderr);
        var qdq = OnnxModelReader.Read(Path.Combine(dir, "model.qdq.onnx"));
        Assert.Contains("QuantizeLinear", qdq.Graph.OperatorCounts().Keys);
        using var session = new OnnxRuntimeSession(qdq);
        var y = session.Run(ExportTestModels.Input(qdq, batch: 2));
        Assert.Equal([2, 10], y.Values.Single().Shape);
    }

    [Fact]
    public void Export_packed_writes_a_qpk_that_reads_back_every_layer()
    {
        var npz = QplatCliTests.DigitsNpz(out _, image: true);
        var dir = TestPaths.TempDirectory("q-export-packed");
        var (code, _, stderr) = Qplat("quantize", TestPaths.Model("digits_cnn.onnx"), "--calib", npz, "--eval", npz, "--spec", "binary", "--out", dir, "--export", "packed");
        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(Path.Combine(dir, "model.onnx")));
        var packed = PackedArtifact.Read(Path.Combine(dir, "model.qpk"));
        Assert.Equal(4, packed.Layers.Count);
        Assert.Equal("binary", packed.Layers[1].Weight.Format.Name);
        Assert.Equal("binary", packed.Spec.Default.Weights.Name);
    }

    [Theory]
    [InlineData("tflite", "expected onnx")]
    public void An_unknown_export_format_exits_2_naming_it(string format, string message)
    {
        var npz = QplatCliTests.DigitsNpz(out _, image: true);
        var (code, _, stderr) = Qplat("quantize", TestPaths.Model("digits_cnn.onnx"), "--calib", npz, "--eval", npz, "--spec", "int8", "--out", TestPaths.TempDirectory("x"), "--export", format);
        Assert.Equal(2, code);
        Assert.Contains(format, stderr);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public void Export_without_out_exits_2()
    {
        var npz = QplatCliTests.DigitsNpz(out _, image: true);
        var (code, _, stderr) = Qplat("quantize", TestPaths.Model("digits_cnn.onnx"), "--calib", npz, "--eval", npz, "--spec", "int8", "--export", "onnx");
        Assert.Equal(2, code);
        Assert.Contains("--out", stderr);
    }

    [Fact]
    public void Export_onnx_of_xnor_exits_2_and_points_to_packed()
    {
        var npz = QplatCliTests.DigitsNpz(out _, image: true);
        var (code, _, stderr) = Qplat("quantize", TestPaths.Model("digits_cnn.onnx"), "--calib", npz, "--eval", npz, "--spec", "xnor", "--out", TestPaths.TempDirectory("x"), "--export", "onnx");
        Assert.Equal(2, code);
        Assert.Contains("packed", stderr);
    }
}
