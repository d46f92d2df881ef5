using System.Text.Json;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Specs;
using Platform.Quantization.Tests.Cli;

namespace Platform.Quantization.Tests.Pipeline;

/// <summary>The pipeline's latency figures and execution mode as the JSON report carries them (a contract).</summary>
public class LatencyReportTests
{
    private static QuantizationRequest Request(string spec, string npz) => new()
    {
        ModelPath = TestPaths.Model("digits_cnn.onnx"),
        CalibrationDataPath = npz,
        EvaluationDataPath = npz,
        Spec = QuantSpec.Parse(spec),
        BatchSize = 64,
        EvaluationSamples = 128,
        LatencyRuns = 5,
        LatencyWarmup = 1,
        Threads = 2,
    };

    [Fact]
    public void Report_has_whole_model_and_per_layer_latency_on_ours()
    {
        var npz = QplatCliTests.DigitsNpz(out _, image: true);
        var result = QuantizationPipeline.Run(Request("int8", npz));
        var json = JsonDocument.Parse(JsonSerializer.Serialize(result.Report, QuantizationResult.JsonOptions)).RootElement;
        var fp32 = json.GetProperty("fp32");
        var variant = json.GetProperty("variant");
        Assert.True(fp32.GetProperty("latencyMsP50").GetDouble() > 0);
        Assert.True(fp32.GetProperty("latencyMsP90").GetDouble() >= fp32.GetProperty("latencyMsP50").GetDouble());
        Assert.Equal("ours", fp32.GetProperty("runtime").GetString());
        Assert.True(variant.GetProperty("latencyMsP50").GetDouble() > 0);
        Assert.True(variant.GetProperty("latencyMsP90").GetDouble() >= variant.GetProperty("latencyMsP50").GetDouble());
        Assert.Equal("ours", variant.GetProperty("runtime").GetString());
        Assert.Equal(2, variant.GetProperty("threads").GetInt32());
        Assert.Equal("real", variant.GetProperty("execution").GetString());
        // int8 runs on ONNX Runtime too (its QDQ export): the variant records both runtimes, ours first as named.
        var latencies = variant.GetProperty("latencies").EnumerateArray().ToList();
        Assert.Equal(["ours", "onnxruntime"], latencies.Select(l => l.GetProperty("runtime").GetString()));
        var ours = latencies[0];
        var ort = latencies[1];
        Assert.True(ort.GetProperty("latencyMsP50").GetDouble() > 0 && ort.GetProperty("fp32LatencyMsP50").GetDouble() > 0);
        Assert.Equal(variant.GetProperty("latencyMsP50").GetDouble(), ours.GetProperty("latencyMsP50").GetDouble());
        Assert.Equal(fp32.GetProperty("latencyMsP50").GetDouble(), ours.GetProperty("fp32LatencyMsP50").GetDouble());
        foreach (var layer in json.GetProperty("layers").EnumerateArray())
        {
            Assert.True(layer.GetProperty("latencyMs").GetDouble() > 0, layer.GetProperty("name").GetString());
            Assert.Equal("int8", layer.GetProperty("kernel").GetString());
            Assert.Equal(JsonValueKind.Null, layer.GetProperty("fallback").ValueKind);
        }
        // The per-layer medians are parts of one run: together they cannot exceed the whole model's slowest run by much.
        double layers = json.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("latencyMs").GetDouble());
        Assert.True(layers <= variant.GetProperty("latencyMsP90").GetDouble() * 1.5 + 0.5, $"layers {layers} ms vs model p90 {variant.GetProperty("latencyMsP90")}");
    }

    [Fact]
    public void A_spec_naming_onnxruntime_takes_its_figures_from_onnx_runtime_and_keeps_ours_beside_them()
    {
        var npz = QplatCliTests.DigitsNpz(out _, image: true);
        var report = QuantizationPipeline.Run(Request("int8", npz) with { Spec = QuantSpec.Parse("int8") with { Runtime = LatencyRuntime.OnnxRuntime } }).Report;
        Assert.Equal(LatencyRuntime.OnnxRuntime, report.Variant.Runtime);
        Assert.Equal(LatencyRuntime.OnnxRuntime, report.Fp32.Runtime);
        Assert.Equal([LatencyRuntime.OnnxRuntime, LatencyRuntime.Ours], report.Variant.Latencies!.Select(l => l.Runtime));
        Assert.Equal(report.Variant.LatencyMsP50, report.Variant.Latencies![0].LatencyMsP50);
    }

    [Fact]
    public void Binary_layers_are_measured_on_ours_only_and_naming_onnxruntime_for_them_says_why_not()
    {
        var npz = QplatCliTests.DigitsNpz(out _, image: true);
        var report = QuantizationPipeline.Run(Request("binary", npz)).Report;
        Assert.Equal([LatencyRuntime.Ours], report.Variant.Latencies!.Select(l => l.Runtime));

        var e = Assert.Throws<NotSupportedException>(() =>
            QuantizationPipeline.Run(Request("binary", npz) with { Spec = QuantSpec.Parse("binary") with { Runtime = LatencyRuntime.OnnxRuntime } }));
        Assert.Contains("onnxruntime", e.Message);
        Assert.Contains("binary", e.Message);
        Assert.Contains("\"ours\"", e.Message);
    }

    [Fact]
    public void No_latency_runs_means_null_latencies_and_fake_quant_mode_is_reported()
    {
        var npz = QplatCliTests.DigitsNpz(out _, image: true);
        var report = QuantizationPipeline.Run(Request("int8", npz) with { LatencyRuns = 0, Execution = ExecutionMode.FakeQuant }).Report;
        Assert.Null(report.Fp32.LatencyMsP50);
        Assert.Null(report.Variant.LatencyMsP50);
        Assert.Null(report.Variant.Runtime);
        Assert.Equal("fakeQuant", report.Variant.Execution);
        Assert.All(report.Layers, l => Assert.Null(l.LatencyMs));
        Assert.All(report.Layers, l => Assert.Null(l.Kernel));
    }

    [Fact]
    public void Real_and_fake_quant_evaluation_give_the_same_accuracy_on_int8()
    {
        var npz = QplatCliTests.DigitsNpz(out _, image: true);
        var real = QuantizationPipeline.Run(Request("int8", npz) with { LatencyRuns = 0, EvaluationSamples = null }).Report;
        var fake = QuantizationPipeline.Run(Request("int8", npz) with { LatencyRuns = 0, EvaluationSamples = null, Execution = ExecutionMode.FakeQuant }).Report;
        Assert.Equal(fake.Variant.Accuracy, real.Variant.Accuracy);
        Assert.Equal(fake.Variant.Top1Agreement, real.Variant.Top1Agreement);
    }

    [Fact]
    public void Fallback_layers_are_named_in_the_report_with_their_reason()
    {
        var npz = QplatCliTests.DigitsNpz(out _, image: true);
        // int4 preset: first and last layers are int8 weight-only, which has no fp32 × int8 kernel.
        var report = QuantizationPipeline.Run(Request("int4", npz) with { LatencyRuns = 1 }).Report;
        Assert.Equal("fallback", report.Layers[0].Kernel);
        Assert.Contains("int8 weight-only", report.Layers[0].Fallback);
        Assert.Equal("int4", report.Layers[1].Kernel);
        Assert.Null(report.Layers[1].Fallback);
    }
}
