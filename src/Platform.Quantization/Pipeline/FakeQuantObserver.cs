using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Pipeline;

/// <summary>
/// Replaces each quantized layer's input activation by its quantize → dequantize image before the layer runs.
/// XNOR convolutions (1-bit activations) take sign(x) and each output position is then scaled by its patch's β
/// (<see cref="XnorPatches"/>), bias kept out of the scaling: the same definition as the binary kernel's, so the plan
/// must not fuse those convolutions with their activation (build it with <c>FuseOperators = false</c>).
/// </summary>
public sealed class FakeQuantObserver(IReadOnlyDictionary<string, (Layer Layer, ActivationQuantizer Quantizer)> layers) : IExecutionObserver
{
    [ThreadStatic] private static (Node Node, float[] Betas, int OutSize, int Groups)? t_pending;

    public void BeforeNode(Node node, Tensor?[] inputs)
    {
        if (inputs.Length == 0 || inputs[0] is not { } x) return;
        if (!layers.TryGetValue(node.Name, out var q)) return;
        if (q.Quantizer.Spec.ActivationBits == 1 && x.Type == DataType.Float)
        {
            if (node.OpType == "FusedConv")
                throw new InvalidOperationException($"{node.Describe()}: XNOR fake quantization scales the convolution's output before its activation; build the plan with FuseOperators = false.");
            if (XnorPatches.Applies(node, x))
            {
                var (betas, outSize, groups) = XnorPatches.Betas(node, x, q.Layer.WeightShape);
                t_pending = (node, betas, outSize, groups);
                inputs[0] = XnorPatches.Signs(x);
                return;
            }
        }
        inputs[0] = q.Quantizer.Apply(x, q.Layer);
    }

    public void AfterNode(Node node, Tensor?[] inputs, Tensor[] outputs)
    {
        if (t_pending is not { } p || !ReferenceEquals(p.Node, node)) return;
        t_pending = null;
        var bias = inputs.Length > 2 ? inputs[2] : null;
        outputs[0] = XnorPatches.Scale(outputs[0], p.Betas, p.OutSize, p.Groups, bias);
    }
}
