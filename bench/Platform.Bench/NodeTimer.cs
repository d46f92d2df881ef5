using System.Diagnostics;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Bench;

/// <summary>Accumulates wall time per node and per operator type.</summary>
internal sealed class NodeTimer : IExecutionObserver
{
    private readonly Stopwatch _sw = new();
    public Dictionary<Node, double> PerNode { get; } = [];

    public void BeforeNode(Node node, Tensor?[] inputs) => _sw.Restart();

    public void AfterNode(Node node, Tensor?[] inputs, Tensor[] outputs)
    {
        double ms = _sw.Elapsed.TotalMilliseconds;
        PerNode[node] = PerNode.GetValueOrDefault(node) + ms;
    }
}
