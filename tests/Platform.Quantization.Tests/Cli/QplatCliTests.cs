using System.Text.Json;
using Platform.Cli;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Cli;

public class QplatCliTests
{
    internal static (int Code, string Out, string Err) Qplat(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = QplatApp.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Inspect_reports_inputs_outputs_operators_and_layers_as_json()
    {
        var (code, stdout, stderr) = Qplat("inspect", TestPaths.Model("fashion_cnn_bn.onnx"), "--json");
        Assert.True(code == 0, stderr);
        var j = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("x", j.GetProperty("inputs")[0].GetProperty("name").GetString());
        Assert.Equal("logits", j.GetProperty("outputs")[0].GetProperty("name").GetString());
        Assert.Equal(2, j.GetProperty("operators").GetProperty("BatchNormalization").GetInt32());
        var layers = j.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(["Conv", "Conv", "Gemm", "Gemm"], layers.Select(l => l.GetProperty("op").GetString()));
        Assert.Equal([16, 1, 3, 3], layers[0].GetProperty("weightShape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal(144, layers[0].GetProperty("parameters").GetInt64());
        Assert.Empty(j.GetProperty("unsupportedOperators").EnumerateObject());
    }

    [Fact]
    public void Inspect_of_a_truncated_file_exits_2_naming_the_file()
    {
        var dir = TestPaths.TempDirectory("cli");
        var path = Path.Combine(dir, "truncated.onnx");
        var bytes = File.ReadAllBytes(TestPaths.Model("digits_cnn.onnx"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 3)]);
        var (code, _, stderr) = Qplat("inspect", path);
        Assert.Equal(2, code);
        Assert.Contains("truncated.onnx", stderr);
        Assert.Contains("not a valid ONNX model", stderr);
    }

    [Fact]
    public void Inspect_of_a_model_with_an_operator_we_lack_exits_2_naming_it()
    {
        var (code, stdout, stderr) = Qplat("inspect", TestPaths.Model("unsupported_op.onnx"), "--json");
        Assert.Equal(2, code);
        Assert.Contains("Det (1)", stderr);
        Assert.Equal(1, JsonDocument.Parse(stdout).RootElement.GetProperty("unsupportedOperators").GetProperty("Det").GetInt32());
    }

    [Fact]
    public void Eval_reports_accuracy_and_samples()
    {
        var npz = DigitsNpz(out int samples);
        var (code, stdout, stderr) = Qplat("eval", TestPaths.Model("digits_mlp.onnx"), "--data", npz, "--json");
        Assert.True(code == 0, stderr);
        var j = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(samples, j.GetProperty("samples").GetInt32());
        // the training script printed 97% for this split
        Assert.InRange(j.GetProperty("accuracy").GetDouble(), 0.95, 1.0);
    }

    [Fact]
    public void A_data_set_of_the_wrong_shape_exits_2_naming_the_array_and_shapes()
    {
        var npz = DigitsNpz(out _);
        var (code, _, stderr) = Qplat("eval", TestPaths.Model("fashion_cnn_bn.onnx"), "--data", npz);
        Assert.Equal(2, code);
        Assert.Contains("'x'", stderr);
        Assert.Contains("[359,64]", stderr);
    }

    [Fact]
    public void An_unknown_preset_exits_2_naming_it()
    {
        var npz = DigitsNpz(out _);
        var (code, _, stderr) = Qplat("quantize", TestPaths.Model("digits_mlp.onnx"), "--calib", npz, "--eval", npz, "--spec", "int3-magic");
        Assert.Equal(2, code);
        Assert.Contains("int3-magic", stderr);
    }

    [Fact]
    public void Quantize_writes_the_model_report_and_spec_and_the_model_runs()
    {
        var npz = DigitsNpz(out _, image: true);
        var outDir = TestPaths.TempDirectory("q-out");
        var (code, stdout, stderr) = Qplat("quantize", TestPaths.Model("digits_cnn.onnx"), "--calib", npz, "--eval", npz, "--spec", "int8", "--out", outDir, "--json");
        Assert.True(code == 0, stderr);
        var j = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("int8", j.GetProperty("layers")[0].GetProperty("format").GetString());
        Assert.True(j.GetProperty("variant").GetProperty("top1Agreement").GetDouble() > 0.97);
        Assert.True(File.Exists(Path.Combine(outDir, "report.json")));
        Assert.Contains("\"int8\"", File.ReadAllText(Path.Combine(outDir, "spec.json")));
        var (evalCode, evalOut, evalErr) = Qplat("eval", Path.Combine(outDir, "model.onnx"), "--data", npz, "--json");
        Assert.True(evalCode == 0, evalErr);
        Assert.InRange(JsonDocument.Parse(evalOut).RootElement.GetProperty("accuracy").GetDouble(), 0.9, 1.0);
    }

    /// <summary>The digits test split of the fixture script (rows with index % 5 == 4), pixels / 16, as an npz ([N,64], or [N,1,8,8] for the CNN).</summary>
    internal static string DigitsNpz(out int samples, bool image = false)
    {
        var rows = DigitsCsv.TestRows();
        samples = rows.Count;
        var x = new float[rows.Count * 64];
        var y = new long[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            for (int k = 0; k < 64; k++) x[i * 64 + k] = rows[i].Pixels[k] / 16f;
            y[i] = rows[i].Label;
        }
        var path = Path.Combine(TestPaths.TempDirectory("digits"), "digits-test.npz");
        using (var w = NpzWriter.Create(path))
        {
            w.WriteArray("x", image ? Tensor.FromArray(x, rows.Count, 1, 8, 8) : Tensor.FromArray(x, rows.Count, 64));
            w.WriteArray("y", Tensor.FromArray(y, rows.Count));
        }
        return path;
    }
}
