namespace Platform.Contracts.Api;

/// <param name="Counts">Jobs by status (every status present, zeros included).</param>
public sealed record BatchResponse(
    Guid Id,
    string? Name,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<JobStatus, int> Counts,
    IReadOnlyList<JobResponse> Jobs);
