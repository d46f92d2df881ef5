using Platform.Quantization.Evaluation;
using Platform.Quantization.Graph;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Runtime;

namespace Platform.Worker.Jobs;

/// <summary>
/// The variant's latency on this worker: one sample of the evaluation set through the quantized model on
/// our runtime, after warm-up, median and p90 of <c>runs</c> timed passes (the shared machine's odd
/// preempted run moves the mean, not these).
/// </summary>
public static class LatencyProbe
{
    public const string Runtime = "ours";

    public static LatencyStats? Measure(OnnxModel model, string evaluationDataPath, int threads, int runs, CancellationToken ct)
    {
        if (runs <= 0) return null;
        var plan = new Plan(model, new PlanOptions { Threads = threads });
        using var data = NpzDataSet.Open(evaluationDataPath);
        var binding = new DataBinding(model.Graph, data, preferredBatchSize: 1, Path.GetFileName(evaluationDataPath));
        var batch = data.ReadBatches(binding.BatchSize, binding.Arrays, widenFloat16: true, start: 0, count: binding.BatchSize).FirstOrDefault();
        if (batch is null) return null;
        var inputs = binding.Inputs(batch);
        return LatencyMeter.Measure(() => plan.Run(inputs, null, ct), warmup: Math.Min(5, runs), runs: runs);
    }
}
