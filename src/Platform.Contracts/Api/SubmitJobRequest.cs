using System.Text.Json;

namespace Platform.Contracts.Api;

/// <summary>Body of <c>POST /api/v1/jobs</c>.</summary>
/// <param name="Spec">A preset name (a JSON string such as <c>"int8"</c>) or a QuantSpec object.</param>
/// <param name="Device">Which device class runs it; <see cref="DeviceClass.Any"/> when omitted.</param>
public sealed record SubmitJobRequest(
    JobKind Kind,
    Guid ModelId,
    Guid? CalibrationDatasetId,
    Guid? EvaluationDatasetId,
    JsonElement Spec,
    DeviceClass? Device = null);
