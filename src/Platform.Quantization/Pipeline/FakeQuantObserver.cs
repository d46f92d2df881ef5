using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Pipeline;

/// <summary>Replaces each quantized layer's input activation by its quantize → dequantize image before the layer runs.</summary>
public sealed class FakeQuantObserver(IReadOnlyDictionary<string, (Layer Layer, ActivationQuantizer Quantizer)> layers) : IExecutionObserver
{
    public void BeforeNode(Node node, Tensor?[] inputs)
    {
        if (inputs.Length == 0 || inputs[0] is null) return;
        if (layers.TryGetValue(node.Name, out var q)) inputs[0] = q.Quantizer.Apply(inputs[0]!, q.Layer);
    }
}
