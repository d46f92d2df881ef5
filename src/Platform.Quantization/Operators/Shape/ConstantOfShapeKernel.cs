using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>ONNX ConstantOfShape (9, 20, 21): a tensor of the given int64 shape filled with <c>value</c> (default float 0).</summary>
[OnnxOperator("ConstantOfShape")]
public sealed class ConstantOfShapeKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var dims = ShapeArgs.Ints(ShapeArgs.Required(node, inputs, 0, "input"), "input");
        var shape = ShapeArgs.ToShape(dims, "ConstantOfShape");
        var value = node.GetTensor("value");
        if (value is not null && value.Length != 1)
            throw new ShapeMismatchException($"ConstantOfShape: value must hold one element, not {value}.");
        var type = value?.Type ?? DataType.Float;
        var data = Elements.Allocate(type, TensorShape.ElementCount(shape));
        if (value is not null) Fill.Run(data, value.Data);
        return [new Tensor(type, shape, data)];
    }
}
