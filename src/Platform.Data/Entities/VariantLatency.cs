namespace Platform.Data.Entities;

/// <summary>
/// A variant's latency on one runtime ("ours", "onnxruntime"): teams deploy on a runtime, so a variant records
/// every runtime it was measured on, each with the fp32 model's latency on that runtime for the speed-up.
/// </summary>
public class VariantLatency
{
    public long Id { get; set; }
    public Guid VariantId { get; set; }
    public ModelVariant? Variant { get; set; }
    public required string Runtime { get; set; }
    public double MsP50 { get; set; }
    public double MsP90 { get; set; }
    public double? Fp32MsP50 { get; set; }
    public int Threads { get; set; }
    public int BatchSize { get; set; }
}
