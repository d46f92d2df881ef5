using System.Text.Json;

namespace Platform.Contracts.Api;

/// <summary>A quantized model produced by a job, with what was measured on the worker that made it.</summary>
/// <param name="Runtime">What the latency was measured on: "ours" or "onnxruntime".</param>
/// <param name="DeviceName">The CPU model or GPU name.</param>
public sealed record VariantResponse(
    Guid Id,
    Guid JobId,
    Guid ModelId,
    JsonElement Spec,
    double? Accuracy,
    double? Top1Agreement,
    double? SqnrDb,
    long SizeBytes,
    double? LatencyMsP50,
    double? LatencyMsP90,
    string? Runtime,
    DeviceClass Device,
    string? DeviceName,
    string ArtifactSha256,
    DateTimeOffset CreatedAt,
    IReadOnlyList<LayerResultResponse> Layers);
