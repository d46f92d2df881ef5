using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Graph;

/// <summary>Finds the quantizable layers of a graph, in execution order; names nodes that have no name.</summary>
public static class LayerDiscovery
{
    public static IReadOnlyList<Layer> Find(ModelGraph graph)
    {
        EnsureNodeNames(graph);
        var layers = new List<Layer>();
        foreach (var n in Plan.TopologicalOrder(graph))
        {
            if (n.Domain.Length > 0) continue;
            Layer? layer = n.OpType switch
            {
                "Conv" => Make(graph, n, 1, 0, 1, n.Input(2)),
                // ConvTranspose weights are [C_in, C_out/group, k...]
                "ConvTranspose" => Make(graph, n, 1, 1, 0, n.Input(2)),
                "Gemm" => n.GetInt("transB", 0) != 0 ? Make(graph, n, 1, 0, 1, n.Input(2)) : Make(graph, n, 1, 1, 0, n.Input(2)),
                "MatMul" => Make(graph, n, 1, 1, 0, null),
                _ => null,
            };
            if (layer is not null) layers.Add(layer with { Index = layers.Count });
        }
        for (int i = 0; i < layers.Count; i++)
            layers[i] = layers[i] with { IsFirst = i == 0, IsLast = i == layers.Count - 1 };
        return layers;
    }

    private static Layer? Make(ModelGraph g, Node n, int weightInput, int outAxis, int inAxis, string? bias)
    {
        var wName = n.Input(weightInput);
        if (wName is null || !g.Initializers.TryGetValue(wName, out var w) || w.Type != DataType.Float) return null;
        // A MatMul layer needs a plain 2-D weight; batched constant operands are not layers.
        if (n.OpType is "MatMul" or "Gemm" && w.Rank != 2) return null;
        if (n.OpType is "Conv" or "ConvTranspose" && w.Rank < 3) return null;
        if (bias is not null && !g.Initializers.ContainsKey(bias)) bias = null;
        return new Layer(n.Name, n, 0, wName, weightInput, (int[])w.Shape.Clone(), outAxis, inAxis, bias);
    }

    /// <summary>Gives every unnamed node a unique OpType_k name (layer names must be stable and unique).</summary>
    public static void EnsureNodeNames(ModelGraph graph)
    {
        var used = new HashSet<string>(graph.Nodes.Where(n => n.Name.Length > 0).Select(n => n.Name), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes)
        {
            if (n.Name.Length > 0 && seen.Add(n.Name)) continue;
            string name;
            do
            {
                int k = counters.GetValueOrDefault(n.OpType);
                counters[n.OpType] = k + 1;
                name = $"{n.OpType}_{k}";
            } while (used.Contains(name));
            used.Add(name);
            seen.Add(name);
            n.Name = name;
        }
    }
}
