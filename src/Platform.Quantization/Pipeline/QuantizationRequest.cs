using Platform.Quantization.Calibration;
using Platform.Quantization.Specs;

namespace Platform.Quantization.Pipeline;

/// <summary>One quantization run: model, data, spec and limits. Paths are files on disk (the worker stages them).</summary>
public sealed record QuantizationRequest
{
    public required string ModelPath { get; init; }
    /// <summary>Calibration data (.npz); needed when any layer has static activations.</summary>
    public string? CalibrationDataPath { get; init; }
    public required string EvaluationDataPath { get; init; }
    public required QuantSpec Spec { get; init; }
    /// <summary>Use at most this many calibration samples (the first ones).</summary>
    public int? CalibrationSamples { get; init; }
    /// <summary>Evaluate on at most this many samples (the first ones).</summary>
    public int? EvaluationSamples { get; init; }
    public int BatchSize { get; init; } = 64;
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Histogram bins and percentile for calibration.</summary>
    public int HistogramBins { get; init; } = TensorObserver.DefaultBins;
    public double Percentile { get; init; } = 99.99;
    public int Seed { get; init; }
    /// <summary>Real kernels (default) or the fake-quant emulation for evaluation and latency.</summary>
    public ExecutionMode Execution { get; init; } = ExecutionMode.Real;
    /// <summary>Timed whole-model runs after evaluation (0: no latency measured).</summary>
    public int LatencyRuns { get; init; } = 20;
    /// <summary>Untimed runs before them (JIT, caches, thread pools).</summary>
    public int LatencyWarmup { get; init; } = 3;
    /// <summary>Samples per timed run (the first ones of the evaluation set).</summary>
    public int LatencyBatchSize { get; init; } = 1;
}
