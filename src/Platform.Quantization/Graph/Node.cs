using Platform.Quantization.Tensors;

namespace Platform.Quantization.Graph;

/// <summary>
/// One operator application. Inputs and outputs are value names; an empty input name is an
/// omitted optional input (ONNX's convention).
/// </summary>
public sealed class Node
{
    public string Name { get; set; } = "";
    public required string OpType { get; set; }
    /// <summary>Operator domain; "" is the default ONNX domain ("ai.onnx").</summary>
    public string Domain { get; set; } = "";
    public List<string> Inputs { get; init; } = [];
    public List<string> Outputs { get; init; } = [];
    public Dictionary<string, NodeAttribute> Attributes { get; init; } = new(StringComparer.Ordinal);

    public bool HasAttribute(string name) => Attributes.ContainsKey(name);

    public long GetInt(string name, long fallback) => Attributes.TryGetValue(name, out var a) ? a.I : fallback;
    public float GetFloat(string name, float fallback) => Attributes.TryGetValue(name, out var a) ? a.F : fallback;
    public string GetString(string name, string fallback) => Attributes.TryGetValue(name, out var a) ? a.S ?? fallback : fallback;
    public long[]? GetInts(string name) => Attributes.TryGetValue(name, out var a) ? a.Ints ?? [] : null;
    public float[]? GetFloats(string name) => Attributes.TryGetValue(name, out var a) ? a.Floats ?? [] : null;
    public string[]? GetStrings(string name) => Attributes.TryGetValue(name, out var a) ? a.Strings ?? [] : null;
    public Tensor? GetTensor(string name) => Attributes.TryGetValue(name, out var a) ? a.T : null;

    /// <summary>Input i's value name, or null when the input is absent or omitted.</summary>
    public string? Input(int i) => i < Inputs.Count && Inputs[i].Length > 0 ? Inputs[i] : null;

    public string Describe() => string.IsNullOrEmpty(Name) ? $"{OpType} -> {string.Join(',', Outputs)}" : $"{OpType} '{Name}'";

    public override string ToString() => Describe();
}
