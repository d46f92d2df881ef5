namespace Platform.Quantization.Specs;

/// <summary>
/// What happens to the first and last layers, which are few parameters but often the most sensitive
/// (XNOR-Net and "And the bit goes down" both keep them at higher precision).
/// </summary>
public enum FirstLastLayerPolicy
{
    /// <summary>They get the default spec like any other layer.</summary>
    Default,
    /// <summary>They stay fp32, weights and activations.</summary>
    KeepFp32,
    /// <summary>Their weights become int8 per-channel symmetric; activations follow the default spec (int8 when it quantizes activations at all).</summary>
    Int8,
}
