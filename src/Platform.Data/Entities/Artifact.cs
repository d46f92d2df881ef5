namespace Platform.Data.Entities;

/// <summary>Content-addressed bytes: the row exists only once all its chunks are committed.</summary>
public class Artifact
{
    /// <summary>Lower-case hex SHA-256 of the content.</summary>
    public required string Sha256 { get; set; }
    public long SizeBytes { get; set; }
    public int ChunkSize { get; set; }
    public int ChunkCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
