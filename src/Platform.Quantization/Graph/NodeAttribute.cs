using Platform.Quantization.Tensors;

namespace Platform.Quantization.Graph;

/// <summary>One attribute of a node: exactly one of the value fields is set, as <see cref="Kind"/> says.</summary>
public sealed class NodeAttribute
{
    public required string Name { get; init; }
    public required AttributeKind Kind { get; init; }
    public float F { get; init; }
    public long I { get; init; }
    public string? S { get; init; }
    public Tensor? T { get; init; }
    public ModelGraph? G { get; init; }
    public float[]? Floats { get; init; }
    public long[]? Ints { get; init; }
    public string[]? Strings { get; init; }
    public Tensor[]? Tensors { get; init; }

    public static NodeAttribute Of(string name, long value) => new() { Name = name, Kind = AttributeKind.Int, I = value };
    public static NodeAttribute Of(string name, float value) => new() { Name = name, Kind = AttributeKind.Float, F = value };
    public static NodeAttribute Of(string name, string value) => new() { Name = name, Kind = AttributeKind.String, S = value };
    public static NodeAttribute Of(string name, long[] value) => new() { Name = name, Kind = AttributeKind.Ints, Ints = value };
    public static NodeAttribute Of(string name, float[] value) => new() { Name = name, Kind = AttributeKind.Floats, Floats = value };
    public static NodeAttribute Of(string name, Tensor value) => new() { Name = name, Kind = AttributeKind.Tensor, T = value };
}
