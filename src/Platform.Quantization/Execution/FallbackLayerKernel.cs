using Platform.Quantization.Graph;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Execution;

/// <summary>
/// A layer whose format or shape has no kernel: the fp32 operator on the dequantized weight with the input
/// fake-quantized, which is exactly what the fake-quant path computes.
/// </summary>
internal sealed class FallbackLayerKernel(QuantizedLayer layer, Tensor weight, ActivationQuantizer? quantizer) : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var args = (Tensor?[])inputs.Clone();
        if (quantizer is not null && args[0] is { } x) args[0] = quantizer.Apply(x, layer.Layer);
        args[layer.Layer.WeightInput] = weight;
        if (!OperatorRegistry.TryGet(node.Domain, node.OpType, out var kernel))
            throw new NotSupportedException($"{node.Describe()}: no fp32 kernel for {node.OpType}.");
        return kernel.Execute(node, args, context);
    }
}
