namespace Platform.Data.Artifacts;

public sealed class ArtifactStoreOptions
{
    public const string Section = "Artifacts";

    /// <summary>Largest upload accepted; more gives <see cref="ArtifactTooLargeException"/> (HTTP 413).</summary>
    public long MaxBytes { get; set; } = 2L << 30;

    /// <summary>Bytes per chunk row: what an upload or a download holds in memory at once.</summary>
    public int ChunkSize { get; set; } = 1 << 20;
}
