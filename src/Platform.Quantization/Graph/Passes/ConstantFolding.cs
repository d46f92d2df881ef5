using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Graph.Passes;

/// <summary>
/// Evaluates nodes whose inputs are all constants and keeps their results as initializers
/// (e.g. a Transpose of a MatMul weight, or shape arithmetic on constant shapes), so that a
/// layer's weight is a plain initializer afterwards.
/// </summary>
public static class ConstantFolding
{
    /// <summary>Results larger than this stay computed at run time rather than bloating the model.</summary>
    private const long MaxFoldedElements = 64L * 1024 * 1024;

    public static int Apply(ModelGraph graph, int opset)
    {
        var outputs = new HashSet<string>(graph.Outputs.Select(o => o.Name), StringComparer.Ordinal);
        var context = new OperatorContext { Opset = opset, Threads = 1 };
        int folded = 0;
        var keep = new List<Node>(graph.Nodes.Count);
        foreach (var n in Plan.TopologicalOrder(graph))
        {
            bool constant = n.Domain.Length == 0 && n.Inputs.Count > 0 && n.OpType is not ("Shape" or "Size")
                && n.Inputs.All(i => i.Length == 0 || graph.Initializers.ContainsKey(i))
                && n.Outputs.All(o => !outputs.Contains(o))
                && OperatorRegistry.TryGet("", n.OpType, out _);
            if (constant)
            {
                OperatorRegistry.TryGet("", n.OpType, out var kernel);
                var args = n.Inputs.Select(i => i.Length == 0 ? null : graph.Initializers[i]).ToArray();
                Tensor[] results;
                try { results = kernel.Execute(n, args, context); }
                catch (Exception) { keep.Add(n); continue; } // leave it to fail, with its message, at run time
                if (results.Sum(r => (long)r.Length) <= MaxFoldedElements)
                {
                    for (int j = 0; j < n.Outputs.Count && j < results.Length; j++)
                        if (n.Outputs[j].Length > 0) graph.Initializers[n.Outputs[j]] = results[j];
                    folded++;
                    continue;
                }
            }
            keep.Add(n);
        }
        graph.Nodes.Clear();
        graph.Nodes.AddRange(keep);
        RemoveUnusedInitializers(graph);
        return folded;
    }

    public static void RemoveUnusedInitializers(ModelGraph graph)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes) foreach (var i in n.Inputs) used.Add(i);
        foreach (var o in graph.Outputs) used.Add(o.Name);
        foreach (var name in graph.Initializers.Keys.ToList())
            if (!used.Contains(name)) graph.Initializers.Remove(name);
    }
}
