namespace Platform.Quantization.Calibration;

/// <summary>What calibration found for one value: its observed statistics and the range chosen for it (for per-layer reports).</summary>
/// <param name="ClippedFraction">Share of the observed values outside <paramref name="Range"/> (estimated from the histogram).</param>
public sealed record ValueCalibration(
    string Name,
    long Count,
    long NonFinite,
    float Min,
    float Max,
    CalibrationMethod Method,
    int Bits,
    bool Symmetric,
    ClipRange Range,
    double ClippedFraction);
