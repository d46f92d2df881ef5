using System.Text.Json;

namespace Platform.Contracts.Api;

/// <summary>Every model × every spec, as quantize jobs sharing the data sets and the device class.</summary>
public sealed record BatchMatrix(
    IReadOnlyList<Guid> ModelIds,
    IReadOnlyList<JsonElement> Specs,
    Guid? CalibrationDatasetId,
    Guid? EvaluationDatasetId,
    DeviceClass? Device = null);
