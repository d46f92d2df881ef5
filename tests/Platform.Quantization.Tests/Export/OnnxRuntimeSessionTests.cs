using Platform.Quantization.Export;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Export;

public class OnnxRuntimeSessionTests
{
    [Fact]
    public void Runs_our_model_from_memory_and_agrees_with_our_runtime()
    {
        var model = ExportTestModels.Cnn();
        var x = ExportTestModels.Input(model, batch: 3);
        using var session = new OnnxRuntimeSession(model, threads: 2);
        Assert.Equal(["x"], session.InputNames);
        Assert.Equal(["y"], session.OutputNames);
        var y = session.Run(x)["y"];
        var ours = new Plan(model).Run(x)["y"];
        Assert.Equal(ours.Shape, y.Shape);
        for (int i = 0; i < ours.Length; i++) Assert.Equal(ours.Floats[i], y.Floats[i], 3);
    }

    [Fact]
    public void A_missing_input_names_the_input()
    {
        using var session = new OnnxRuntimeSession(ExportTestModels.Mlp());
        var e = Assert.Throws<ArgumentException>(() => session.Run(new Dictionary<string, Tensor>()));
        Assert.Contains("'x'", e.Message);
    }

    [Fact]
    public void A_model_onnx_runtime_rejects_gives_its_reason()
    {
        var model = ExportTestModels.Mlp();
        model.Graph.Nodes[1].OpType = "NoSuchOperator";
        var e = Assert.Throws<InvalidModelException>(() => new OnnxRuntimeSession(model));
        Assert.Contains("NoSuchOperator", e.Message);
    }

    [Fact]
    public void Latency_is_measured_over_the_asked_runs()
    {
        var model = ExportTestModels.Mlp();
        var stats = OnnxRuntimeLatency.Measure(model, ExportTestModels.Input(model, batch: 4), threads: 1, warmup: 2, runs: 5);
        Assert.Equal(2, stats.Warmup);
        Assert.Equal(5, stats.Runs);
        Assert.True(stats.MinMs > 0 && stats.MinMs <= stats.MedianMs && stats.MedianMs <= stats.P90Ms && stats.P90Ms <= stats.MaxMs);
    }
}
