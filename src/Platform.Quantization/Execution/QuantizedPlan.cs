using Platform.Quantization.Graph;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Runtime;

namespace Platform.Quantization.Execution;

/// <summary>
/// Builds a plan that runs each quantized layer on its format's real kernel (int8 VNNI, int4, binary, PQ lookup
/// tables, fp16/bf16) and every other node on the fp32 runtime.
/// </summary>
public static class QuantizedPlan
{
    public static Plan Build(OnnxModel prepared, IReadOnlyList<QuantizedLayer> layers, PlanOptions? options = null) =>
        throw new NotImplementedException("Quantized execution is being built (issue 4).");
}
