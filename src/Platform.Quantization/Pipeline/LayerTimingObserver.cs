using System.Diagnostics;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Pipeline;

/// <summary>Accumulates wall time spent in the named layer nodes (their kernels; input fake-quant is not counted).</summary>
public sealed class LayerTimingObserver(IEnumerable<string> layerNames) : IExecutionObserver
{
    private readonly Dictionary<string, long> _ticks = layerNames.ToDictionary(n => n, _ => 0L, StringComparer.Ordinal);
    private long _start;

    public int Runs { get; set; }

    public void BeforeNode(Node node, Tensor?[] inputs)
    {
        if (_ticks.ContainsKey(node.Name)) _start = Stopwatch.GetTimestamp();
    }

    public void AfterNode(Node node, Tensor?[] inputs, Tensor[] outputs)
    {
        if (_ticks.TryGetValue(node.Name, out var t)) _ticks[node.Name] = t + Stopwatch.GetTimestamp() - _start;
    }

    /// <summary>Mean milliseconds per run for a layer.</summary>
    public double MeanMs(string layer) => Runs == 0 ? 0 : _ticks[layer] * 1000.0 / Stopwatch.Frequency / Runs;
}
