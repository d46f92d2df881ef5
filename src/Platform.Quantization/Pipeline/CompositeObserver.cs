using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Pipeline;

/// <summary>Several observers in order (fake-quant before timing, say).</summary>
public sealed class CompositeObserver(params IExecutionObserver?[] observers) : IExecutionObserver
{
    private readonly IExecutionObserver[] _observers = observers.Where(o => o is not null).ToArray()!;

    public void BeforeNode(Node node, Tensor?[] inputs)
    {
        foreach (var o in _observers) o.BeforeNode(node, inputs);
    }

    public void AfterNode(Node node, Tensor?[] inputs, Tensor[] outputs)
    {
        for (int i = _observers.Length - 1; i >= 0; i--) _observers[i].AfterNode(node, inputs, outputs);
    }
}
