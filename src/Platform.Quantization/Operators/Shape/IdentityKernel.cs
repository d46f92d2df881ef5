using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>ONNX Identity (1, 13, 14, 16, 19, 21) for tensors: returns the input itself.</summary>
[OnnxOperator("Identity")]
public sealed class IdentityKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context) =>
        [ShapeArgs.Required(node, inputs, 0, "input")];
}
