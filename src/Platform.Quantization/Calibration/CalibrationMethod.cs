namespace Platform.Quantization.Calibration;

/// <summary>How an activation's clipping range is chosen from its histogram.</summary>
public enum CalibrationMethod
{
    /// <summary>The observed min and max: nothing is clipped.</summary>
    MinMax,
    /// <summary>A percentile of the values (of |x| when symmetric), interpolated inside its bin.</summary>
    Percentile,
    /// <summary>The threshold minimising the KL divergence between the clipped and the quantized distribution (TensorRT).</summary>
    Entropy,
    /// <summary>The range minimising the expected squared error: rounding noise inside, clipping error outside.</summary>
    Mse,
}
