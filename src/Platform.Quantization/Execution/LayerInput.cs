namespace Platform.Quantization.Execution;

/// <summary>
/// A layer's input as its kernel takes it: fp32 values, or u8 codes with the scale and zero point they stand for
/// (x ≈ (code − Zero)·Scale; signed codes are stored +128 with the zero point moved by 128).
/// </summary>
internal readonly record struct LayerInput(float[]? Floats, byte[]? Codes, float Scale, int Zero)
{
    public bool IsCodes => Codes is not null;
}
