using Platform.Quantization.Evaluation;
using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Export;

/// <summary>
/// Latency of a model on ONNX Runtime (the `onnxruntime` runtime): one session with <c>threads</c> intra-op threads
/// and spinning off (<see cref="OnnxRuntimeSession"/>), <c>warmup</c> untimed runs, then <c>runs</c> timed one by
/// one through <see cref="LatencyMeter"/>. The session is disposed before returning, so its threads cannot disturb
/// whatever is timed next.
/// </summary>
public static class OnnxRuntimeLatency
{
    /// <exception cref="InvalidModelException">ONNX Runtime cannot load the model.</exception>
    public static LatencyStats Measure(OnnxModel model, IReadOnlyDictionary<string, Tensor> inputs, int threads, int warmup, int runs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        using var session = new OnnxRuntimeSession(model, threads);
        // One run outside the warm-up count: it fails fast on wrong inputs, before any timing starts.
        session.Run(inputs);
        return LatencyMeter.Measure(() => session.Execute(inputs), warmup, runs);
    }
}
