namespace Platform.Data.Artifacts;

/// <summary>An upload went past the size limit; nothing of it was kept.</summary>
public sealed class ArtifactTooLargeException(long maxBytes)
    : Exception($"The content is larger than the artifact size limit of {maxBytes} bytes; nothing was stored.")
{
    public long MaxBytes { get; } = maxBytes;
}
