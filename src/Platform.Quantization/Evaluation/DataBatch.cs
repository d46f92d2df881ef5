using Platform.Quantization.Tensors;

namespace Platform.Quantization.Evaluation;

/// <summary>
/// Samples [Start, Start + Count) of some arrays of a data set: each tensor is shaped [Count, ...] with the
/// array's stored type (or float32 for a widened float16).
/// </summary>
public sealed class DataBatch(int start, int count, IReadOnlyDictionary<string, Tensor> tensors)
{
    public int Start { get; } = start;
    public int Count { get; } = count;
    public IReadOnlyDictionary<string, Tensor> Tensors { get; } = tensors;

    public Tensor this[string name] => Tensors.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"The batch holds arrays {string.Join(", ", Tensors.Keys)}, not '{name}'.");
}
