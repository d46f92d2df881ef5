namespace Platform.Web.Sweeps;

/// <summary>What one retention run deleted.</summary>
public sealed record RetentionResult(int ArtifactsDeleted, int WorkersDeleted);
