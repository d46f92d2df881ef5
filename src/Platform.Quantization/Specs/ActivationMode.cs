namespace Platform.Quantization.Specs;

/// <summary>Whether and how a layer's input activations are quantized.</summary>
public enum ActivationMode
{
    /// <summary>Weight-only: activations stay fp32.</summary>
    None,
    /// <summary>The range is measured on each input at run time.</summary>
    Dynamic,
    /// <summary>The range is fixed ahead of time by calibration.</summary>
    Static,
}
