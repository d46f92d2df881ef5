using Platform.Quantization.Graph;
using Platform.Quantization.Graph.Passes;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Runtime;

/// <summary>
/// An executable form of a graph: nodes in dependency order, each bound to a kernel, and for each
/// value the step after which nothing reads it (so intermediate tensors are dropped as soon as possible).
/// Building a plan checks every operator: unknown ones are reported all at once, by name and count.
/// </summary>
public sealed class Plan
{
    private readonly ModelGraph _graph;
    private readonly Node[] _order;
    private readonly IOperatorKernel[] _kernels;
    private readonly OperatorContext[] _contexts;
    private readonly List<string>[] _releaseAfter;
    private readonly HashSet<string> _outputs;

    public ModelGraph Graph => _graph;
    public IReadOnlyList<Node> Steps => _order;

    public Plan(OnnxModel model, PlanOptions? options = null) : this(model.Graph, model.Opsets, options) { }

    public Plan(ModelGraph graph, IReadOnlyDictionary<string, long> opsets, PlanOptions? options = null)
    {
        options ??= new PlanOptions();
        var overrides = options.KernelOverrides;
        if (options.FuseOperators)
        {
            // Fusion rewrites a copy; a fused node is the Conv's copy, so overrides follow each copy's original.
            var copy = graph.Clone();
            var original = new Dictionary<Node, Node>(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < copy.Nodes.Count; i++) original[copy.Nodes[i]] = graph.Nodes[i];
            ConvActivationFusion.Apply(copy);
            if (overrides is not null)
            {
                var source = overrides;
                overrides = copy.Nodes.Where(n => source.ContainsKey(original[n])).ToDictionary(n => n, n => source[original[n]]);
            }
            graph = copy;
        }
        _graph = graph;
        _order = TopologicalOrder(graph);

        var missing = new SortedDictionary<string, int>(StringComparer.Ordinal);
        _kernels = new IOperatorKernel[_order.Length];
        _contexts = new OperatorContext[_order.Length];
        var contextByOpset = new Dictionary<int, OperatorContext>();
        for (int i = 0; i < _order.Length; i++)
        {
            var n = _order[i];
            if (overrides is { } o && o.TryGetValue(n, out var k)) _kernels[i] = k;
            else if (OperatorRegistry.TryGet(n.Domain, n.OpType, out k)) _kernels[i] = k;
            else
            {
                var key = OperatorRegistry.NormalizeDomain(n.Domain) is { Length: > 0 } dom ? $"{dom}.{n.OpType}" : n.OpType;
                missing[key] = missing.GetValueOrDefault(key) + 1;
                continue;
            }
            int opset = OpsetOf(opsets, n.Domain);
            if (!contextByOpset.TryGetValue(opset, out var ctx))
                contextByOpset[opset] = ctx = new OperatorContext { Opset = opset, Threads = Math.Max(1, options.Threads) };
            _contexts[i] = ctx;
        }
        if (missing.Count > 0) throw new UnsupportedOperatorException(missing);

        var known = new HashSet<string>(graph.Initializers.Keys, StringComparer.Ordinal);
        foreach (var vi in graph.Inputs) known.Add(vi.Name);
        foreach (var n in _order) foreach (var o in n.Outputs) if (o.Length > 0) known.Add(o);
        foreach (var n in _order)
            foreach (var i in n.Inputs)
                if (i.Length > 0 && !known.Contains(i))
                    throw new InvalidModelException($"{n.Describe()} reads '{i}', which no node, graph input or initializer provides.");
        foreach (var o in graph.Outputs)
            if (!known.Contains(o.Name)) throw new InvalidModelException($"Graph output '{o.Name}' is produced by no node.");

        _outputs = new HashSet<string>(graph.Outputs.Select(o => o.Name), StringComparer.Ordinal);
        var lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _order.Length; i++)
            foreach (var inp in _order[i].Inputs)
                if (inp.Length > 0) lastUse[inp] = i;
        _releaseAfter = new List<string>[_order.Length];
        for (int i = 0; i < _order.Length; i++) _releaseAfter[i] = [];
        foreach (var (name, step) in lastUse)
            if (!_outputs.Contains(name) && !graph.Initializers.ContainsKey(name))
                _releaseAfter[step].Add(name);
    }

    private static int OpsetOf(IReadOnlyDictionary<string, long> opsets, string domain)
    {
        var d = OperatorRegistry.NormalizeDomain(domain);
        if (opsets.TryGetValue(d, out var v)) return (int)v;
        if (d.Length == 0 && opsets.TryGetValue("ai.onnx", out v)) return (int)v;
        return 13;
    }

    /// <summary>Runs the graph on named inputs; returns the graph outputs by name.</summary>
    public Dictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, IExecutionObserver? observer = null,
        CancellationToken cancellationToken = default)
    {
        var values = new Dictionary<string, Tensor>(_graph.Initializers, StringComparer.Ordinal);
        foreach (var vi in _graph.Inputs)
        {
            if (!inputs.TryGetValue(vi.Name, out var t))
                throw new ArgumentException($"Input '{vi.Name}' was not given.");
            values[vi.Name] = t;
        }
        foreach (var (name, t) in inputs) values.TryAdd(name, t);

        for (int i = 0; i < _order.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var node = _order[i];
            var args = new Tensor?[node.Inputs.Count];
            for (int j = 0; j < args.Length; j++)
            {
                var name = node.Inputs[j];
                if (name.Length == 0) continue;
                if (!values.TryGetValue(name, out var t))
                    throw new InvalidOperationException($"{node.Describe()} reads '{name}', which no node, input or initializer provides.");
                args[j] = t;
            }
            observer?.BeforeNode(node, args);
            Tensor[] outs;
            try
            {
                outs = _kernels[i].Execute(node, args, _contexts[i]);
            }
            catch (Exception e) when (e is ShapeMismatchException or ArgumentException or IndexOutOfRangeException or NotSupportedException
                or InvalidCastException or DivideByZeroException or OverflowException)
            {
                throw new ModelExecutionException(node, e);
            }
            observer?.AfterNode(node, args, outs);
            for (int j = 0; j < node.Outputs.Count && j < outs.Length; j++)
                if (node.Outputs[j].Length > 0) values[node.Outputs[j]] = outs[j];
            foreach (var dead in _releaseAfter[i]) values.Remove(dead);
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var o in _graph.Outputs)
        {
            if (!values.TryGetValue(o.Name, out var t))
                throw new InvalidOperationException($"Graph output '{o.Name}' was not produced.");
            result[o.Name] = t;
        }
        return result;
    }

    /// <summary>Kahn's algorithm, stable: keeps the file's order where dependencies allow.</summary>
    internal static Node[] TopologicalOrder(ModelGraph graph)
    {
        var available = new HashSet<string>(graph.Initializers.Keys, StringComparer.Ordinal);
        foreach (var i in graph.Inputs) available.Add(i.Name);
        var produced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes) foreach (var o in n.Outputs) if (o.Length > 0) produced.Add(o);

        var result = new List<Node>(graph.Nodes.Count);
        var pending = new List<Node>(graph.Nodes);
        while (pending.Count > 0)
        {
            int before = result.Count;
            var next = new List<Node>();
            foreach (var n in pending)
            {
                bool ready = n.Inputs.All(i => i.Length == 0 || available.Contains(i) || !produced.Contains(i));
                if (ready)
                {
                    result.Add(n);
                    foreach (var o in n.Outputs) if (o.Length > 0) available.Add(o);
                }
                else next.Add(n);
            }
            if (result.Count == before)
                throw new InvalidModelException($"The graph has a cycle through {next[0].Describe()}.");
            pending = next;
        }
        return [.. result];
    }
}
