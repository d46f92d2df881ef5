namespace Platform.Quantization.Pipeline;

/// <summary>Whole-model latency on one runtime ("ours" or "onnxruntime"), median and p90 in milliseconds.</summary>
public sealed record RuntimeLatency(string Runtime, double LatencyMsP50, double LatencyMsP90);
