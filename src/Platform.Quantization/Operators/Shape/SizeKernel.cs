using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>ONNX Size (1, 13, 19, 21): the input's element count as an int64 scalar.</summary>
[OnnxOperator("Size")]
public sealed class SizeKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context) =>
        [Tensor.Scalar((long)ShapeArgs.Required(node, inputs, 0, "data").Length)];
}
