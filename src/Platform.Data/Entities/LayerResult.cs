namespace Platform.Data.Entities;

/// <summary>One layer of a variant: the format chosen and what it cost in fidelity and time.</summary>
public class LayerResult
{
    public long Id { get; set; }
    public Guid VariantId { get; set; }
    public ModelVariant? Variant { get; set; }
    /// <summary>Position of the layer in the graph, for stable ordering.</summary>
    public int Ordinal { get; set; }
    public required string LayerName { get; set; }
    public required string Op { get; set; }
    public required string Format { get; set; }
    public double? SqnrDb { get; set; }
    public float? ActivationMin { get; set; }
    public float? ActivationMax { get; set; }
    public double? TimeMs { get; set; }
}
