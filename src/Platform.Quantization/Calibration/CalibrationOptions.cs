namespace Platform.Quantization.Calibration;

public sealed record CalibrationOptions
{
    /// <summary>Histogram bins per observed value (its resolution and memory: 16 bytes a bin).</summary>
    public int Bins { get; init; } = TensorObserver.DefaultBins;
    /// <summary>Percentile kept by <see cref="CalibrationMethod.Percentile"/> (of |x| when symmetric).</summary>
    public double Percentile { get; init; } = 99.99;
    public CalibrationMethod Method { get; init; } = CalibrationMethod.Entropy;
    /// <summary>Bit width of the quantized activations the range is chosen for.</summary>
    public int Bits { get; init; } = 8;
    /// <summary>Symmetric (a range ±t, from |x|) or asymmetric (min and max chosen separately).</summary>
    public bool Symmetric { get; init; } = true;
}
