using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>ONNX Flatten (1, 9, 11, 13, 21): a 2-D view split at <c>axis</c>; shares the input's data.</summary>
[OnnxOperator("Flatten")]
public sealed class FlattenKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "input");
        int r = x.Rank;
        long axis = node.GetInt("axis", 1);
        if (axis < -r || axis > r)
            throw new ShapeMismatchException($"Flatten: axis {axis} is out of range [{-r}, {r}] for input {TensorShape.Format(x.Shape)}.");
        int a = (int)(axis < 0 ? axis + r : axis);
        return [new Tensor(x.Type, [ShapeArgs.Product(x.Shape, 0, a), ShapeArgs.Product(x.Shape, a, r)], x.Data)];
    }
}
