using System.Text.Json;

namespace Platform.Contracts.Api;

/// <summary>A job as the API shows it.</summary>
/// <param name="Spec">The resolved QuantSpec (presets expanded), as stored.</param>
/// <param name="Attempts">How many times a worker has started it.</param>
/// <param name="VariantId">The variant it produced, once it succeeded.</param>
public sealed record JobResponse(
    Guid Id,
    JobKind Kind,
    JobStatus Status,
    Guid ModelId,
    Guid? CalibrationDatasetId,
    Guid? EvaluationDatasetId,
    DeviceClass Device,
    JsonElement Spec,
    double Progress,
    string? Stage,
    int Attempts,
    string? Error,
    string? WorkerId,
    Guid? BatchId,
    Guid? ParentJobId,
    Guid? VariantId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DispatchedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);
