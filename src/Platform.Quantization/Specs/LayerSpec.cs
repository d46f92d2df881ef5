using Platform.Quantization.Calibration;

namespace Platform.Quantization.Specs;

/// <summary>
/// How one layer is quantized: the weight format, its granularity and symmetry, and what happens to the
/// layer's input activations. Granularity and <see cref="Symmetric"/> apply to int8/int4/int2 weights only;
/// binary and PQ weights are always per output channel / per codebook.
/// </summary>
public sealed record LayerSpec
{
    public WeightFormat Weights { get; init; } = WeightFormat.Fp32;

    public Granularity Granularity { get; init; } = Granularity.PerChannel;

    /// <summary>Symmetric (zero point 0, signed codes) or asymmetric (unsigned codes with a zero point) weights.</summary>
    public bool Symmetric { get; init; } = true;

    public ActivationMode Activations { get; init; } = ActivationMode.None;

    /// <summary>Range method for <see cref="ActivationMode.Static"/>; ignored otherwise.</summary>
    public CalibrationMethod Calibration { get; init; } = CalibrationMethod.MinMax;

    /// <summary>Activation bits: 8, 4 or 2 (affine), or 1 (XNOR-Net sign × mean|x|, binary weights only).</summary>
    public int ActivationBits { get; init; } = 8;

    /// <summary>Symmetric signed activations, or asymmetric unsigned ones with a zero point (uint8 for 8 bits).</summary>
    public bool ActivationSymmetric { get; init; }

    /// <summary>The unquantized layer.</summary>
    public static LayerSpec Fp32 { get; } = new();

    /// <summary>Weight-only int8 per-channel symmetric: the weight part of the "int8" presets.</summary>
    public static LayerSpec Int8WeightOnly { get; } = new() { Weights = WeightFormat.Int8, Granularity = Granularity.PerChannel, Symmetric = true };

    public bool QuantizesActivations => Activations != ActivationMode.None;

    /// <summary>Checks the combination makes sense.</summary>
    /// <param name="where">Names the spec in the message, e.g. "default" or "layer 'conv1'".</param>
    /// <exception cref="FormatException">A field is invalid; the message names it.</exception>
    public void Validate(string where = "layer spec")
    {
        if (Weights is null) throw new FormatException($"{where}: weights is missing.");
        if (Granularity is null) throw new FormatException($"{where}: granularity is missing.");
        if (Activations != ActivationMode.None)
        {
            if (ActivationBits is not (1 or 2 or 4 or 8))
                throw new FormatException($"{where}: activationBits = {ActivationBits} is not supported (expected 8, 4, 2, or 1 with binary weights).");
            if (ActivationBits == 1 && Weights.Kind != WeightFormatKind.Binary)
                throw new FormatException($"{where}: activationBits = 1 (XNOR-Net) needs binary weights, not {Weights.Name}.");
            if (ActivationBits == 1 && Activations != ActivationMode.Dynamic)
                throw new FormatException($"{where}: binary activations are scaled per row at run time, so activations must be dynamic, not {Activations}.");
        }
        if (!Enum.IsDefined(Activations)) throw new FormatException($"{where}: activations = {(int)Activations} is not a known mode.");
        if (!Enum.IsDefined(Calibration)) throw new FormatException($"{where}: calibration = {(int)Calibration} is not a known method.");
    }

    public override string ToString()
    {
        string w = Weights.IsAffineInteger ? $"{Weights.Name} {Granularity.Name} {(Symmetric ? "sym" : "asym")}" : Weights.Name;
        string a = Activations switch
        {
            ActivationMode.None => "weight-only",
            ActivationMode.Dynamic => $"a{ActivationBits} dynamic",
            _ => $"a{ActivationBits} static {Calibration}",
        };
        return $"{w}, {a}";
    }
}
