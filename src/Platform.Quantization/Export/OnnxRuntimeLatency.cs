using Platform.Quantization.Evaluation;
using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Export;

/// <summary>Latency of a model on ONNX Runtime (the `onnxruntime` runtime): warm-up, then timed runs one by one.</summary>
public static class OnnxRuntimeLatency
{
    public static LatencyStats Measure(OnnxModel model, IReadOnlyDictionary<string, Tensor> inputs, int threads, int warmup, int runs) =>
        throw new NotImplementedException("ONNX Runtime latency is being built (issue 4).");
}
