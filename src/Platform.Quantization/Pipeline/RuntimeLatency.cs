namespace Platform.Quantization.Pipeline;

/// <summary>
/// Whole-model latency of the variant on one runtime ("ours" or "onnxruntime"), median and p90 in milliseconds, with the
/// fp32 model's median on the same runtime (the speed-up's baseline).
/// </summary>
public sealed record RuntimeLatency(string Runtime, double LatencyMsP50, double LatencyMsP90, double Fp32LatencyMsP50);
