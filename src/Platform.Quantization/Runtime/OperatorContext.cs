namespace Platform.Quantization.Runtime;

/// <summary>What a kernel may know of the run it is part of.</summary>
public sealed class OperatorContext
{
    /// <summary>Opset version of the node's domain, as the model imports it.</summary>
    public int Opset { get; init; } = 13;
    /// <summary>Threads a kernel may use (1 = run on the caller's thread only).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
    public CancellationToken CancellationToken { get; init; }

    public static readonly OperatorContext Default = new();
}
