namespace Platform.Contracts.Api;

/// <summary>
/// Body of <c>POST /api/v1/batches</c>: either a list of job requests, or a matrix (every model × every
/// spec, sharing data sets and device). Exactly one of the two.
/// </summary>
public sealed record SubmitBatchRequest(string? Name, IReadOnlyList<SubmitJobRequest>? Jobs, BatchMatrix? Matrix);
