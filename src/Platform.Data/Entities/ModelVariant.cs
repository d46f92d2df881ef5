using Platform.Contracts;

namespace Platform.Data.Entities;

/// <summary>A quantized model produced by a job, with what it measured.</summary>
public class ModelVariant
{
    public Guid Id { get; set; }
    public Guid TeamId { get; set; }
    public Guid JobId { get; set; }
    public Job? Job { get; set; }
    public Guid ModelId { get; set; }
    public Model? Model { get; set; }
    public string SpecJson { get; set; } = "{}";
    /// <summary>Task accuracy against labels; null when the evaluation set has none.</summary>
    public double? Accuracy { get; set; }
    public double? Top1Agreement { get; set; }
    public double? SqnrDb { get; set; }
    public long SizeBytes { get; set; }
    public double? LatencyMsP50 { get; set; }
    public double? LatencyMsP90 { get; set; }
    /// <summary>The runtime the latency was measured on: "ours" or "onnxruntime".</summary>
    public string? Runtime { get; set; }
    public DeviceClass Device { get; set; }
    /// <summary>CPU model or GPU name the latency was measured on.</summary>
    public string? DeviceName { get; set; }
    public required string ArtifactSha256 { get; set; }
    public Artifact? Artifact { get; set; }
    /// <summary>The variant exported for ONNX Runtime (QDQ / MatMulNBits), where its formats allow; null otherwise.</summary>
    public string? OnnxExportSha256 { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<LayerResult> Layers { get; set; } = [];
    /// <summary>Latency on every runtime it was measured on (the one named by <see cref="Runtime"/> among them).</summary>
    public List<VariantLatency> Latencies { get; set; } = [];
}
