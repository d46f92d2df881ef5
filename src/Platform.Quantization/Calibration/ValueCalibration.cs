namespace Platform.Quantization.Calibration;

/// <summary>What calibration found for one value: its observed statistics and the range chosen for it (for per-layer reports).</summary>
public sealed record ValueCalibration(
    string Name,
    long Count,
    long NonFinite,
    float Min,
    float Max,
    CalibrationMethod Method,
    int Bits,
    bool Symmetric,
    ClipRange Range);
