using Platform.Quantization.Calibration;
using Platform.Quantization.Specs;

namespace Platform.Quantization.Pipeline;

/// <summary>
/// What a quantization run measured. Property names (camelCase in JSON) are a contract read by pipelines:
/// fp32.accuracy, variant.{accuracy, top1Agreement, sqnrDb, sizeBytes, spec}, layers[].{name, format, sqnrDb};
/// latency: fp32.{latencyMsP50, latencyMsP90, runtime}, variant.{latencyMsP50, latencyMsP90, runtime, threads,
/// latencies}, layers[].latencyMs. Latencies are null when none were measured (LatencyRuns = 0).
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

public sealed record Fp32Report(double? Accuracy, double? Top5Accuracy, long SizeBytes)
{
    /// <summary>Median whole-model latency of the fp32 model on <see cref="Runtime"/>, ms.</summary>
    public double? LatencyMsP50 { get; init; }
    public double? LatencyMsP90 { get; init; }
    /// <summary>The runtime the fp32 latency was measured on: the spec's runtime.</summary>
    public string? Runtime { get; init; }
}

public sealed record VariantReport(
    double? Accuracy,
    double? Top5Accuracy,
    double Top1Agreement,
    /// <summary>SQNR of the outputs against fp32 in dB; capped at 200 (identical outputs).</summary>
    double SqnrDb,
    double CosineSimilarity,
    long SizeBytes,
    double CompressionRatio,
    QuantSpec Spec)
{
    /// <summary>Median whole-model latency of the variant on <see cref="Runtime"/> (the spec's runtime), ms.</summary>
    public double? LatencyMsP50 { get; init; }
    public double? LatencyMsP90 { get; init; }
    /// <summary>"ours" or "onnxruntime".</summary>
    public string? Runtime { get; init; }
    /// <summary>Threads the latency runs used.</summary>
    public int? Threads { get; init; }
    /// <summary>Samples per timed run.</summary>
    public int? LatencyBatchSize { get; init; }
    /// <summary>Every runtime the variant was timed on (ours always; onnxruntime too when the spec names it).</summary>
    public IReadOnlyList<RuntimeLatency>? Latencies { get; init; }
    /// <summary>"real" (layers on their formats' kernels) or "fakeQuant" (fp32 emulation).</summary>
    public string? Execution { get; init; }
}

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
    double TimeMs)
{
    /// <summary>Median time in the layer over the latency runs (our runtime, the latency batch size), ms.</summary>
    public double? LatencyMs { get; init; }
    /// <summary>The kernel family the layer ran on (int8, int4, binary, xnor, pq, fp16, bf16, fallback, fp32).</summary>
    public string? Kernel { get; init; }
    /// <summary>Why the layer ran on the fp32 runtime (dequantized weight, fake-quantized input); null on a kernel.</summary>
    public string? Fallback { get; init; }
}
