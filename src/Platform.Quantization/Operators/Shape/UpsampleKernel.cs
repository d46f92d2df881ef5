using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX Upsample (7, 9; deprecated at 10): nearest or (bi)linear with asymmetric coordinates.
/// Scales are an attribute at opset 7 and an input from 9.
/// </summary>
[OnnxOperator("Upsample")]
public sealed class UpsampleKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "X");
        float[] scales = ShapeArgs.Optional(inputs, 1) is { } t ? t.ToFloatArray()
            : node.GetFloats("scales") ?? throw new ArgumentException("Upsample needs scales (an input from opset 9, an attribute before).");
        var s = new ResizeSettings { Mode = node.GetString("mode", "nearest"), CoordinateMode = "asymmetric", NearestMode = "simple" };
        return [ResizeKernel.FromScales(x, scales, s, "Upsample")];
    }
}
