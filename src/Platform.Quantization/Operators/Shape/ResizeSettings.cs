namespace Platform.Quantization.Operators.Shape;

/// <summary>How Resize/Upsample map output coordinates to input ones and combine the neighbours.</summary>
internal sealed record ResizeSettings
{
    /// <summary>nearest, linear or cubic.</summary>
    public string Mode { get; init; } = "nearest";
    /// <summary>half_pixel, half_pixel_symmetric, pytorch_half_pixel, align_corners, asymmetric, tf_half_pixel_for_nn, tf_crop_and_resize.</summary>
    public string CoordinateMode { get; init; } = "half_pixel";
    /// <summary>round_prefer_floor, round_prefer_ceil, floor, ceil, or simple (opset &lt; 11: ceil when shrinking, floor when growing).</summary>
    public string NearestMode { get; init; } = "round_prefer_floor";
    public double CubicA { get; init; } = -0.75;
    public bool ExcludeOutside { get; init; }
    public double ExtrapolationValue { get; init; }
}
