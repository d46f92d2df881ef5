namespace Platform.Data.Entities;

/// <summary>
/// One slice of an artifact. While an upload is in flight its chunks carry a staging key in
/// <see cref="Sha256"/>; the commit re-keys them to the real hash (see ADR 0004).
/// </summary>
public class ArtifactChunk
{
    public required string Sha256 { get; set; }
    public int Index { get; set; }
    public required byte[] Data { get; set; }
}
