namespace Platform.Data.Entities;

/// <summary>An uploaded .npz data set; <see cref="ArraysJson"/> lists its arrays (name, dtype, shape).</summary>
public class DataSet
{
    public Guid Id { get; set; }
    public Guid TeamId { get; set; }
    public Team? Team { get; set; }
    public required string Name { get; set; }
    public required string ArtifactSha256 { get; set; }
    public Artifact? Artifact { get; set; }
    public long SizeBytes { get; set; }
    public string ArraysJson { get; set; } = "[]";
    public int Samples { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
