using Platform.Quantization.Evaluation;
using Platform.Quantization.Runtime;

namespace Platform.Quantization.Pipeline;

/// <summary>Accuracy of a model (as given, fp32) on a labelled data set, streamed in batches.</summary>
public static class ModelEvaluator
{
    public static EvaluationReport Evaluate(string modelPath, string dataPath, int batchSize = 64, int? threads = null,
        int? maxSamples = null, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var prepared = PreparedModel.Load(modelPath);
        var plan = new Plan(prepared.Model, new PlanOptions { Threads = threads ?? Environment.ProcessorCount });
        using var data = NpzDataSet.Open(dataPath);
        var binding = new DataBinding(prepared.Model.Graph, data, batchSize, Path.GetFileName(dataPath));
        int total = Math.Min(binding.Samples, maxSamples ?? int.MaxValue);
        var accuracy = new AccuracyAccumulator();
        string output = prepared.Model.Graph.Outputs[0].Name;
        int done = 0;
        foreach (var batch in data.ReadBatches(binding.BatchSize, binding.ArraysToRead, widenFloat16: true, start: 0, count: total))
        {
            var logits = plan.Run(binding.Inputs(batch), null, cancellationToken)[output];
            if (binding.HasLabels) accuracy.Add(logits, batch[DataBinding.LabelArray]);
            done += batch.Count;
            progress?.Report(new("evaluate", (double)done / Math.Max(1, total)));
        }
        var r = accuracy.Result();
        return new EvaluationReport(binding.HasLabels ? r.Top1 : null, binding.HasLabels ? r.Top5 : null, done);
    }
}

/// <summary>`qplat eval` result: accuracy is a fraction in [0, 1], null without labels.</summary>
public sealed record EvaluationReport(double? Accuracy, double? Top5Accuracy, int Samples);
