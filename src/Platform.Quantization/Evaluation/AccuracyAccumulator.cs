using Platform.Quantization.Tensors;

namespace Platform.Quantization.Evaluation;

/// <summary>
/// Top-1 and top-5 accuracy of classifier outputs against integer labels, added a batch at a time (nothing but the
/// counts is kept). A sample's rank is the number of classes scored above its label, plus those scored equal with a
/// lower index (a stable descending sort, so top-1 agrees with numpy.argmax); a NaN score for the label is a miss.
/// </summary>
public sealed class AccuracyAccumulator
{
    public long Samples { get; private set; }
    public long Top1Correct { get; private set; }
    public long Top5Correct { get; private set; }

    /// <summary>Adds a batch: <paramref name="logits"/> [N, C, ...] (flattened per sample), <paramref name="labels"/> int64 or int32 [N] (or [N, 1]).</summary>
    public void Add(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        var (n, classes) = OutputRows.Layout(logits, "The model output");
        if (labels.Type is not (DataType.Int64 or DataType.Int32))
            throw new ArgumentException($"Labels must be int64 or int32, not {labels.Type}.", nameof(labels));
        if (labels.Length != n || labels.Rank == 0 || labels.Shape[0] != n)
            throw new ShapeMismatchException($"The model output {TensorShape.Format(logits.Shape)} has {n} samples but the labels {TensorShape.Format(labels.Shape)} do not hold one per sample.");
        var row = new double[classes];
        long top1 = 0, top5 = 0;
        for (int s = 0; s < n; s++)
        {
            long label = labels.GetInt64(s);
            if (label < 0 || label >= classes)
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"Label {label} of sample {Samples + s} is outside the {classes} classes of the model output.");
            OutputRows.Copy(logits, s, row);
            int rank = Rank(row, (int)label);
            if (rank < 1) top1++;
            if (rank < 5) top5++;
        }
        Samples += n;
        Top1Correct += top1;
        Top5Correct += top5;
    }

    /// <summary>Adds another accumulator's counts (batches evaluated in parallel).</summary>
    public void Merge(AccuracyAccumulator other)
    {
        Samples += other.Samples;
        Top1Correct += other.Top1Correct;
        Top5Correct += other.Top5Correct;
    }

    public AccuracyMetrics Result() => Samples == 0
        ? throw new InvalidOperationException("No samples were added: accuracy is undefined.")
        : new AccuracyMetrics(Samples, (double)Top1Correct / Samples, (double)Top5Correct / Samples);

    /// <summary>Zero-based rank of class <paramref name="label"/>; int.MaxValue when its score is NaN.</summary>
    public static int Rank(ReadOnlySpan<double> scores, int label)
    {
        double v = scores[label];
        if (double.IsNaN(v)) return int.MaxValue;
        int rank = 0;
        for (int i = 0; i < scores.Length; i++)
            if (scores[i] > v || scores[i] == v && i < label) rank++;
        return rank;
    }
}
