namespace Platform.Quantization.Evaluation;

/// <summary>Timings of repeated runs after warm-up, in milliseconds.</summary>
public sealed record LatencyStats(int Warmup, int Runs, double MedianMs, double P90Ms, double MeanMs, double MinMs, double MaxMs);
