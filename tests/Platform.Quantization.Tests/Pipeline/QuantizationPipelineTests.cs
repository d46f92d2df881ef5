using Platform.Quantization.Pipeline;
using Platform.Quantization.Specs;
using Platform.Quantization.Tests.Cli;

namespace Platform.Quantization.Tests.Pipeline;

public class QuantizationPipelineTests
{
    private static QuantizationRequest Request(string spec, string npz) => new()
    {
        ModelPath = TestPaths.Model("digits_cnn.onnx"),
        CalibrationDataPath = npz,
        EvaluationDataPath = npz,
        Spec = QuantSpec.Parse(spec),
        BatchSize = 32,
    };

    [Fact]
    public void Progress_moves_forward_through_the_stages_and_ends_at_one()
    {
        var npz = QplatCliTests.DigitsNpz(out _, image: true);
        var seen = new List<PipelineProgress>();
        var result = QuantizationPipeline.Run(Request("int8", npz), new SynchronousProgress(seen.Add));
        Assert.Equal(["load", "calibrate", "quantize", "evaluate", "measure", "done"], seen.Select(p => p.Stage).Distinct());
        for (int i = 1; i < seen.Count; i++) Assert.True(seen[i].Fraction >= seen[i - 1].Fraction, $"progress went back at {seen[i]}");
        Assert.Equal(1.0, seen[^1].Fraction);
        Assert.Equal(359, result.Report.EvaluationSamples);
        Assert.Equal(359, result.Report.CalibrationSamples);
        Assert.All(result.Report.Layers, l => Assert.NotNull(l.ActivationRange));
    }

    [Fact]
    public void A_cancelled_run_stops_with_OperationCanceledException()
    {
        var npz = QplatCliTests.DigitsNpz(out _, image: true);
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.Stage == "calibrate") cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => QuantizationPipeline.Run(Request("int8", npz), progress, cts.Token));
    }

    [Fact]
    public void Weight_only_int4_needs_no_calibration_data_and_shrinks_the_model()
    {
        var npz = QplatCliTests.DigitsNpz(out _, image: true);
        var r = QuantizationPipeline.Run(Request("int4", npz) with { CalibrationDataPath = null }).Report;
        Assert.Equal(0, r.CalibrationSamples);
        Assert.True(r.Variant.SizeBytes * 3 < r.Fp32.SizeBytes, $"{r.Variant.SizeBytes} vs {r.Fp32.SizeBytes}");
        Assert.True(r.Variant.Top1Agreement > 0.9);
        Assert.Equal("int8", r.Layers[0].Format); // first and last layers int8 in the int4 preset
        Assert.Equal("int4", r.Layers[1].Format);
    }

    [Fact]
    public void Fp32_spec_reproduces_the_model_exactly()
    {
        var npz = QplatCliTests.DigitsNpz(out _, image: true);
        var r = QuantizationPipeline.Run(Request("fp32", npz)).Report;
        Assert.Equal(1.0, r.Variant.Top1Agreement);
        Assert.Equal(r.Fp32.Accuracy, r.Variant.Accuracy);
        Assert.Equal(r.Fp32.SizeBytes, r.Variant.SizeBytes);
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests need the calls in order, on the caller's thread.</summary>
    private sealed class SynchronousProgress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }
}
