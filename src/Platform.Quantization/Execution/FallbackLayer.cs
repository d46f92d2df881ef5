namespace Platform.Quantization.Execution;

/// <summary>A quantized layer that runs on the fp32 runtime (dequantized weight, fake-quantized input), and why.</summary>
public sealed record FallbackLayer(string Name, string Reason);
