using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Calibration;

/// <summary>
/// Fills one <see cref="TensorObserver"/> per chosen value while a <see cref="Plan"/> runs: node outputs after
/// their node, graph inputs before the first node that reads them (so each is seen once a run). Only the
/// histograms are kept, never the tensors, so memory is bounded whatever the number of batches.
/// Not thread-safe: give each concurrent run its own calibrator and merge the results.
/// </summary>
public sealed class Calibrator : IExecutionObserver
{
    private const int ConvertChunk = 4096;

    private readonly Plan _plan;
    private readonly Dictionary<string, TensorObserver> _observers = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Dictionary<Node, List<(int Index, TensorObserver Observer)>> _beforeNode = [];
    private readonly Dictionary<Node, List<(int Index, TensorObserver Observer)>> _afterNode = [];
    private readonly HashSet<string> _skipped = new(StringComparer.Ordinal);
    private float[]? _convert;

    public CalibrationOptions Options { get; }

    /// <param name="valueNames">Graph inputs and node outputs to observe; null: all of them (initializers are never observed).</param>
    public Calibrator(Plan plan, IEnumerable<string>? valueNames = null, CalibrationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        _plan = plan;
        Options = options ?? new CalibrationOptions();

        var graph = plan.Graph;
        var firstReader = new Dictionary<string, (Node Node, int Index)>(StringComparer.Ordinal);
        var producer = new Dictionary<string, (Node Node, int Index)>(StringComparer.Ordinal);
        var graphInputs = graph.Inputs.Select(i => i.Name).Where(n => !graph.Initializers.ContainsKey(n)).ToHashSet(StringComparer.Ordinal);
        var available = new List<string>();
        foreach (var n in graph.Inputs)
            if (graphInputs.Contains(n.Name)) available.Add(n.Name);
        foreach (var node in plan.Steps)
        {
            for (int i = 0; i < node.Inputs.Count; i++)
                if (graphInputs.Contains(node.Inputs[i])) firstReader.TryAdd(node.Inputs[i], (node, i));
            for (int i = 0; i < node.Outputs.Count; i++)
                if (node.Outputs[i].Length > 0 && producer.TryAdd(node.Outputs[i], (node, i))) available.Add(node.Outputs[i]);
        }

        var names = valueNames?.Distinct(StringComparer.Ordinal).ToList() ?? available;
        var unknown = names.Where(n => !graphInputs.Contains(n) && !producer.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Cannot calibrate {string.Join(", ", unknown.Select(n => $"'{n}'"))}: not a graph input or node output of '{graph.Name}'.", nameof(valueNames));

        foreach (var name in names)
        {
            (Node Node, int Index) at;
            Dictionary<Node, List<(int, TensorObserver)>> hooks;
            if (producer.TryGetValue(name, out at)) hooks = _afterNode;
            else if (firstReader.TryGetValue(name, out at)) hooks = _beforeNode;
            else continue;  // a graph input no node reads: nothing to observe
            var observer = new TensorObserver(Options.Bins);
            _observers[name] = observer;
            _order.Add(name);
            if (!hooks.TryGetValue(at.Node, out var list)) hooks[at.Node] = list = [];
            list.Add((at.Index, observer));
        }
    }

    /// <summary>The observers filled so far (live: later runs keep adding to them).</summary>
    public CalibrationResult Result => new(_order.Select(n => new KeyValuePair<string, TensorObserver>(n, _observers[n])));

    /// <summary>Values that were not floating point (token ids, shapes) and so have no range.</summary>
    public IReadOnlyCollection<string> SkippedValues => _skipped;

    /// <summary>Runs the plan over each batch, observing as it goes.</summary>
    public CalibrationResult Run(IEnumerable<IReadOnlyDictionary<string, Tensor>> batches, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        foreach (var batch in batches)
            _plan.Run(batch, this, cancellationToken);
        return Result;
    }

    void IExecutionObserver.BeforeNode(Node node, Tensor?[] inputs)
    {
        if (!_beforeNode.TryGetValue(node, out var list)) return;
        foreach (var (i, o) in list)
            if (i < inputs.Length && inputs[i] is { } t) Observe(node.Inputs[i], t, o);
    }

    void IExecutionObserver.AfterNode(Node node, Tensor?[] inputs, Tensor[] outputs)
    {
        if (!_afterNode.TryGetValue(node, out var list)) return;
        foreach (var (i, o) in list)
            if (i < outputs.Length) Observe(node.Outputs[i], outputs[i], o);
    }

    private void Observe(string name, Tensor t, TensorObserver o)
    {
        switch (t.Data)
        {
            case float[] f:
                o.Observe(f);
                return;
            case double[] or Half[] or BFloat16[]:
                // Converted through a small reused buffer: no copy of the whole tensor.
                _convert ??= new float[ConvertChunk];
                for (int start = 0; start < t.Length; start += ConvertChunk)
                {
                    int n = Math.Min(ConvertChunk, t.Length - start);
                    for (int k = 0; k < n; k++) _convert[k] = (float)t.GetDouble(start + k);
                    o.Observe(_convert.AsSpan(0, n));
                }
                return;
            default:
                _skipped.Add(name);
                return;
        }
    }
}
