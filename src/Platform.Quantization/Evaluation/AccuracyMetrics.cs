namespace Platform.Quantization.Evaluation;

/// <summary>Task accuracy against labels, as fractions in [0, 1].</summary>
public sealed record AccuracyMetrics(long Samples, double Top1, double Top5);
