using Platform.Quantization.Graph;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Specs;

namespace Platform.Quantization.Export;

/// <summary>
/// A quantized model read back from a <see cref="PackedArtifact"/>: the prepared graph, every layer with its stored
/// weight exactly as written, and the spec. The prepared graph's quantized-layer weights hold their dequantized
/// images (the fp32 originals are not stored), so it runs as the fake-quant model and still names every weight.
/// </summary>
public sealed record PackedModel(OnnxModel Prepared, IReadOnlyList<QuantizedLayer> Layers, QuantSpec Spec);
