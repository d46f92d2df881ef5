namespace Platform.Data.Artifacts;

public sealed class ArtifactNotFoundException(string sha256)
    : Exception($"No artifact with SHA-256 {sha256}.")
{
    public string Sha256 { get; } = sha256;
}
