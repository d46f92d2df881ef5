using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX Unsqueeze (1, 11, 13, 21): inserts size-1 axes at the listed positions of the output.
/// Axes are an attribute before opset 13 and an input from 13. Shares the input's data.
/// </summary>
[OnnxOperator("Unsqueeze")]
public sealed class UnsqueezeKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "data");
        long[] axes = ShapeArgs.Optional(inputs, 1) is { } t ? ShapeArgs.Ints(t, "axes")
            : node.GetInts("axes") ?? throw new ArgumentException("Unsqueeze needs axes (an input from opset 13, an attribute before).");
        int outRank = x.Rank + axes.Length;
        var insert = new bool[outRank];
        foreach (var a in ShapeArgs.Axes(axes, outRank, "Unsqueeze")) insert[a] = true;
        var shape = new int[outRank];
        for (int i = 0, j = 0; i < outRank; i++) shape[i] = insert[i] ? 1 : x.Shape[j++];
        return [new Tensor(x.Type, shape, x.Data)];
    }
}
