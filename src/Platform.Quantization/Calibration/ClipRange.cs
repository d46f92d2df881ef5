namespace Platform.Quantization.Calibration;

/// <summary>
/// A clipping range chosen for quantization. It is not widened to contain zero: a quantizer that needs zero
/// exactly representable does that itself.
/// </summary>
public readonly record struct ClipRange(float Min, float Max)
{
    public override string ToString() => $"[{Min}, {Max}]";
}
