using Platform.Quantization.Formats;
using Platform.Quantization.Graph;
using Platform.Quantization.Specs;

namespace Platform.Quantization.Pipeline;

/// <summary>
/// One layer as quantized: its spec, its stored weight, and the parameters of its input activation (static:
/// calibrated; null for weight-only, dynamic or binarized activations). What the quantized runtime binds a kernel
/// from, what the exporters write, and what the packed artifact stores.
/// </summary>
public sealed record QuantizedLayer(Layer Layer, LayerSpec Spec, QuantizedWeight Weight, QuantParams? InputParams);
