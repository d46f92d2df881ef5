using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Runtime;

/// <summary>
/// One operator implementation. Kernels are stateless and found by <see cref="OnnxOperatorAttribute"/>;
/// <paramref name="inputs"/> has one entry per node input, null for an omitted optional input.
/// The kernel must not modify its inputs; it may return an input tensor itself (Identity, Reshape share data).
/// </summary>
public interface IOperatorKernel
{
    Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context);
}
