namespace Platform.Data.Entities;

/// <summary>An uploaded ONNX model. Inputs, layers and operators are the reader's summary, kept as JSON.</summary>
public class Model
{
    public Guid Id { get; set; }
    public Guid TeamId { get; set; }
    public Team? Team { get; set; }
    public required string Name { get; set; }
    public required string ArtifactSha256 { get; set; }
    public Artifact? Artifact { get; set; }
    public long SizeBytes { get; set; }
    public string InputsJson { get; set; } = "[]";
    public string LayersJson { get; set; } = "[]";
    public string OperatorsJson { get; set; } = "[]";
    public DateTimeOffset CreatedAt { get; set; }
}
