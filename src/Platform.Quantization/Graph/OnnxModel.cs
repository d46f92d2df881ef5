namespace Platform.Quantization.Graph;

/// <summary>A whole model: the graph plus the model-level facts ONNX keeps beside it.</summary>
public sealed class OnnxModel
{
    public required ModelGraph Graph { get; init; }
    /// <summary>Domain ("" = ai.onnx) → opset version.</summary>
    public Dictionary<string, long> Opsets { get; init; } = new(StringComparer.Ordinal) { [""] = 13 };
    public long IrVersion { get; set; } = 8;
    public string ProducerName { get; set; } = "";
    public string ProducerVersion { get; set; } = "";
    public Dictionary<string, string> Metadata { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Opset of the default ONNX domain.</summary>
    public int Opset => (int)(Opsets.TryGetValue("", out var v) ? v : Opsets.TryGetValue("ai.onnx", out var w) ? w : 13);
}
