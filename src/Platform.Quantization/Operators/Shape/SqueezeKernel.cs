using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX Squeeze (1, 11, 13, 21): removes the listed size-1 axes, or every size-1 axis when none are
/// listed. Axes are an attribute before opset 13 and an optional input from 13. Shares the input's data.
/// </summary>
[OnnxOperator("Squeeze")]
public sealed class SqueezeKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "data");
        long[]? axes = ShapeArgs.Optional(inputs, 1) is { } t ? ShapeArgs.Ints(t, "axes") : node.GetInts("axes");
        var remove = new bool[x.Rank];
        if (axes is null || axes.Length == 0)
        {
            for (int i = 0; i < x.Rank; i++) remove[i] = x.Shape[i] == 1;
        }
        else
        {
            foreach (var a in ShapeArgs.Axes(axes, x.Rank, "Squeeze"))
            {
                if (x.Shape[a] != 1)
                    throw new ShapeMismatchException($"Squeeze: axis {a} of {TensorShape.Format(x.Shape)} has size {x.Shape[a]}, not 1.");
                remove[a] = true;
            }
        }
        var shape = new List<int>(x.Rank);
        for (int i = 0; i < x.Rank; i++) if (!remove[i]) shape.Add(x.Shape[i]);
        return [new Tensor(x.Type, [.. shape], x.Data)];
    }
}
