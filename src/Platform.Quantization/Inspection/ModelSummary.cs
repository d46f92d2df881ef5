namespace Platform.Quantization.Inspection;

/// <summary>What a model is, as `qplat inspect` and the models API report it. Field names are a contract.</summary>
public sealed record ModelSummary(
    IReadOnlyList<ValueSummary> Inputs,
    IReadOnlyList<ValueSummary> Outputs,
    IReadOnlyDictionary<string, int> Operators,
    IReadOnlyList<LayerSummary> Layers,
    IReadOnlyDictionary<string, int> UnsupportedOperators,
    int Opset,
    long Parameters);

/// <param name="Shape">Dims; a symbolic dim is its name (e.g. "N"), an unknown one "?".</param>
public sealed record ValueSummary(string Name, string ElementType, IReadOnlyList<string>? Shape);

public sealed record LayerSummary(string Name, string Op, IReadOnlyList<int> WeightShape, long Parameters);
