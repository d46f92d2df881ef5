using Platform.Quantization.Tensors;

namespace Platform.Quantization.Graph;

/// <summary>
/// The graph IR: nodes in topological order, constant tensors (initializers), and the graph's
/// inputs and outputs. Graph inputs that have an initializer of the same name are not listed in
/// <see cref="Inputs"/> (they are constants here).
/// </summary>
public sealed class ModelGraph
{
    public string Name { get; set; } = "graph";
    public List<Node> Nodes { get; init; } = [];
    public Dictionary<string, Tensor> Initializers { get; init; } = new(StringComparer.Ordinal);
    public List<ValueInfo> Inputs { get; init; } = [];
    public List<ValueInfo> Outputs { get; init; } = [];
    public List<ValueInfo> ValueInfos { get; init; } = [];

    /// <summary>Operator type → number of nodes using it.</summary>
    public SortedDictionary<string, int> OperatorCounts()
    {
        var d = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in Nodes) d[n.OpType] = d.GetValueOrDefault(n.OpType) + 1;
        return d;
    }

    /// <summary>The node producing each value name.</summary>
    public Dictionary<string, Node> Producers()
    {
        var d = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var n in Nodes) foreach (var o in n.Outputs) if (o.Length > 0) d[o] = n;
        return d;
    }

    /// <summary>Value name → nodes reading it.</summary>
    public Dictionary<string, List<Node>> Consumers()
    {
        var d = new Dictionary<string, List<Node>>(StringComparer.Ordinal);
        foreach (var n in Nodes)
            foreach (var i in n.Inputs)
                if (i.Length > 0)
                {
                    if (!d.TryGetValue(i, out var l)) d[i] = l = [];
                    l.Add(n);
                }
        return d;
    }

    /// <summary>A deep-enough copy for passes that rewrite nodes and initializers (tensor data is shared).</summary>
    public ModelGraph Clone() => new()
    {
        Name = Name,
        Nodes = Nodes.Select(n => new Node
        {
            Name = n.Name, OpType = n.OpType, Domain = n.Domain,
            Inputs = [.. n.Inputs], Outputs = [.. n.Outputs],
            Attributes = new Dictionary<string, NodeAttribute>(n.Attributes, StringComparer.Ordinal),
        }).ToList(),
        Initializers = new Dictionary<string, Tensor>(Initializers, StringComparer.Ordinal),
        Inputs = [.. Inputs],
        Outputs = [.. Outputs],
        ValueInfos = [.. ValueInfos],
    };
}
