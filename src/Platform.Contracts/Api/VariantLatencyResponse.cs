namespace Platform.Contracts.Api;

/// <summary>A variant's latency on one runtime ("ours" or "onnxruntime"), beside the fp32 model's on the same runtime.</summary>
public sealed record VariantLatencyResponse(string Runtime, double MsP50, double MsP90, double? Fp32MsP50, int Threads, int BatchSize);
