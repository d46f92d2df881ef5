using Platform.Quantization.Graph;
using Platform.Quantization.Pipeline;

namespace Platform.Quantization.Export;

/// <summary>
/// Writes a quantized model ONNX Runtime runs: int8 layers as QDQ (QuantizeLinear/DequantizeLinear around the
/// layer, per-channel weight scales), int4 MatMul/Gemm layers as com.microsoft MatMulNBits.
/// </summary>
public static class QdqExporter
{
    public static OnnxModel Export(OnnxModel prepared, IReadOnlyList<QuantizedLayer> layers) =>
        throw new NotImplementedException("The QDQ / MatMulNBits export is being built (issue 4).");
}
