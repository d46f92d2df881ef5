using Platform.Quantization.Calibration;
using Platform.Quantization.Specs;

namespace Platform.Quantization.Pipeline;

/// <summary>
/// What a quantization run measured. Property names (camelCase in JSON) are a contract read by pipelines:
/// fp32.accuracy, variant.{accuracy, top1Agreement, sqnrDb, sizeBytes, spec}, layers[].{name, format, sqnrDb}.
/// Accuracies are fractions in [0, 1]; null where the data set has no labels.
/// </summary>
public sealed record QuantizationReport(
    Fp32Report Fp32,
    VariantReport Variant,
    IReadOnlyList<LayerReport> Layers,
    int CalibrationSamples,
    int EvaluationSamples,
    int FoldedBatchNorms,
    double ElapsedSeconds);

public sealed record Fp32Report(double? Accuracy, double? Top5Accuracy, long SizeBytes);

public sealed record VariantReport(
    double? Accuracy,
    double? Top5Accuracy,
    double Top1Agreement,
    /// <summary>SQNR of the outputs against fp32 in dB; capped at 200 (identical outputs).</summary>
    double SqnrDb,
    double CosineSimilarity,
    long SizeBytes,
    double CompressionRatio,
    QuantSpec Spec);

public sealed record LayerReport(
    string Name,
    string Op,
    string Format,
    string Granularity,
    string Activations,
    IReadOnlyList<int> WeightShape,
    long Parameters,
    long SizeBytes,
    double BitsPerWeight,
    /// <summary>Weight SQNR in dB; null for fp32 (no error).</summary>
    double? SqnrDb,
    ClipRange? ActivationRange,
    /// <summary>Mean time in the layer per evaluated batch, quantized model, ms.</summary>
    double TimeMs);
