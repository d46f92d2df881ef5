using Platform.Quantization.Evaluation;
using Platform.Quantization.Export;
using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;

namespace Platform.Cli.Bench;

/// <summary>
/// Times ONNX Runtime on a model through the engine's <see cref="OnnxRuntimeSession"/> (intra-op spinning off: a
/// spinning pool would steal the next measurement's core), one session at a time, with a short pause after each so
/// nothing lingers.
/// </summary>
internal static class OrtSessions
{
    public static LatencyStats Time(OnnxModel model, IReadOnlyDictionary<string, Tensor> inputs, int threads, double budgetMs)
    {
        LatencyStats stats;
        using (var session = new OnnxRuntimeSession(model, threads))
            stats = BenchTimer.Time(() => session.Execute(inputs), budgetMs);
        Thread.Sleep(50);
        return stats;
    }

    public static Dictionary<string, Tensor> Input<T>(string name, T[] data, params int[] shape) => new() { [name] = Tensor.FromArray(data, shape) };
}
