namespace Platform.Quantization.Runtime;

/// <summary>A model uses operators the engine does not implement; each is named with its node count.</summary>
public sealed class UnsupportedOperatorException(IReadOnlyDictionary<string, int> operators)
    : Exception("Unsupported operators: " + string.Join(", ", operators.Select(kv => $"{kv.Key} ({kv.Value} node{(kv.Value == 1 ? "" : "s")})")))
{
    /// <summary>Operator type (domain-qualified when not ai.onnx) → number of nodes.</summary>
    public IReadOnlyDictionary<string, int> Operators { get; } = operators;
}
