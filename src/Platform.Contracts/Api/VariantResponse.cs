using System.Text.Json;

namespace Platform.Contracts.Api;

/// <summary>A quantized model produced by a job, with what was measured on the worker that made it.</summary>
/// <param name="Runtime">What the latency was measured on: "ours" or "onnxruntime".</param>
/// <param name="DeviceName">The CPU model or GPU name.</param>
/// <param name="OnnxExportSha256">The ONNX Runtime export (GET /variants/{id}/onnx), where the variant's formats have one.</param>
/// <param name="Latencies">Every runtime the variant was measured on, with the fp32 model's latency there.</param>
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
    string? OnnxExportSha256,
    DateTimeOffset CreatedAt,
    IReadOnlyList<VariantLatencyResponse> Latencies,
    IReadOnlyList<LayerResultResponse> Layers);
