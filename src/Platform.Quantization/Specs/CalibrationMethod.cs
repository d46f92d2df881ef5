namespace Platform.Quantization.Specs;

/// <summary>How a static activation range is chosen from the statistics collected during calibration.</summary>
public enum CalibrationMethod
{
    /// <summary>The observed minimum and maximum.</summary>
    MinMax,
    /// <summary>A percentile of |x| (outliers clipped).</summary>
    Percentile,
    /// <summary>The clipping threshold minimising KL divergence between fp32 and quantized histograms (TensorRT).</summary>
    Entropy,
    /// <summary>The clipping threshold minimising the mean squared quantization error.</summary>
    Mse,
}
