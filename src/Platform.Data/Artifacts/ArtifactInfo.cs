namespace Platform.Data.Artifacts;

/// <param name="Sha256">Lower-case hex SHA-256 of the content: the artifact's key.</param>
public sealed record ArtifactInfo(string Sha256, long SizeBytes);
