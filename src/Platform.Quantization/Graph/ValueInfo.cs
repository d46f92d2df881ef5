using Platform.Quantization.Tensors;

namespace Platform.Quantization.Graph;

/// <summary>A graph input/output/intermediate value: its element type and shape, dims possibly symbolic.</summary>
public sealed class ValueInfo
{
    public required string Name { get; init; }
    public DataType ElementType { get; init; } = DataType.Float;
    /// <summary>Null when the shape is unknown; otherwise one entry per dim.</summary>
    public Dim[]? Shape { get; init; }

    public override string ToString() =>
        $"{Name}: {ElementType}" + (Shape is null ? "" : "[" + string.Join(',', Shape.Select(d => d.ToString())) + "]");
}

/// <summary>One dimension: a fixed size, or a symbol (e.g. "batch"), or unknown.</summary>
public readonly record struct Dim(long? Value, string? Param)
{
    public static Dim Fixed(long v) => new(v, null);
    public static Dim Symbol(string p) => new(null, p);
    public override string ToString() => Value?.ToString() ?? Param ?? "?";
}
