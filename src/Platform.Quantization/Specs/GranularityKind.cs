namespace Platform.Quantization.Specs;

/// <summary>How many weights share one scale (and zero point).</summary>
public enum GranularityKind
{
    PerTensor,
    PerChannel,
    PerGroup,
}
