namespace Platform.Quantization.Specs;

/// <summary>The storage family of a layer's weights.</summary>
public enum WeightFormatKind
{
    Fp32,
    Fp16,
    Bf16,
    Int8,
    Int4,
    Int2,
    Binary,
    /// <summary>Product quantization: sub-vectors replaced by indices into a k-means codebook.</summary>
    Pq,
}
