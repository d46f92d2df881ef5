using System.Diagnostics;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Pipeline;

/// <summary>
/// Wall time spent in the named layer nodes (their kernels; input fake-quant is not counted): accumulated over
/// unrecorded runs (<see cref="MeanMs"/>, per evaluated batch), and per run between <see cref="BeginRun"/> and <see cref="EndRun"/> so a median per
/// layer can be taken over latency runs (<see cref="MedianMs"/>).
/// </summary>
public sealed class LayerTimingObserver(IEnumerable<string> layerNames) : IExecutionObserver
{
    private readonly Dictionary<string, long> _ticks = layerNames.ToDictionary(n => n, _ => 0L, StringComparer.Ordinal);
    private Dictionary<string, long>? _run;
    private readonly List<Dictionary<string, long>> _runs = [];
    private long _start;

    public int Runs { get; set; }

    public void BeforeNode(Node node, Tensor?[] inputs)
    {
        if (_ticks.ContainsKey(node.Name)) _start = Stopwatch.GetTimestamp();
    }

    public void AfterNode(Node node, Tensor?[] inputs, Tensor[] outputs)
    {
        if (!_ticks.TryGetValue(node.Name, out var t)) return;
        long d = Stopwatch.GetTimestamp() - _start;
        // A recorded (latency) run counts in the medians only, so the mean stays per evaluated batch.
        if (_run is not null) _run[node.Name] = _run.GetValueOrDefault(node.Name) + d;
        else _ticks[node.Name] = t + d;
    }

    /// <summary>Starts recording one run's per-layer times.</summary>
    public void BeginRun() => _run = new Dictionary<string, long>(StringComparer.Ordinal);

    public void EndRun()
    {
        if (_run is not null) _runs.Add(_run);
        _run = null;
    }

    /// <summary>Forgets the recorded runs (the warm-up's).</summary>
    public void ClearRuns() => _runs.Clear();

    public int RecordedRuns => _runs.Count;

    /// <summary>Drops all but the last <paramref name="count"/> recorded runs.</summary>
    public void KeepLastRuns(int count)
    {
        if (_runs.Count > count) _runs.RemoveRange(0, _runs.Count - count);
    }

    /// <summary>Mean milliseconds per run for a layer.</summary>
    public double MeanMs(string layer) => Runs == 0 ? 0 : _ticks[layer] * 1000.0 / Stopwatch.Frequency / Runs;

    /// <summary>Median milliseconds in the layer over the recorded runs; null when none were recorded.</summary>
    public double? MedianMs(string layer)
    {
        if (_runs.Count == 0) return null;
        var ms = _runs.Select(r => r.GetValueOrDefault(layer) * 1000.0 / Stopwatch.Frequency).ToArray();
        Array.Sort(ms);
        return LatencyMeter.Percentile(ms, 50);
    }
}
