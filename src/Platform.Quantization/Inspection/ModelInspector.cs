using Platform.Quantization.Graph;
using Platform.Quantization.Graph.Passes;
using Platform.Quantization.Runtime;

namespace Platform.Quantization.Inspection;

public static class ModelInspector
{
    /// <summary>Summarises a model. Layers are found after constants are made initializers (weights kept in Constant nodes count).</summary>
    public static ModelSummary Inspect(OnnxModel model)
    {
        var graph = model.Graph.Clone();
        ConstantsToInitializers.Apply(graph);
        var layers = LayerDiscovery.Find(graph);
        var unsupported = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in model.Graph.Nodes)
        {
            if (OperatorRegistry.IsSupported(n.Domain, n.OpType)) continue;
            var key = OperatorRegistry.NormalizeDomain(n.Domain) is { Length: > 0 } d ? $"{d}.{n.OpType}" : n.OpType;
            unsupported[key] = unsupported.GetValueOrDefault(key) + 1;
        }
        return new ModelSummary(
            model.Graph.Inputs.Select(Summarise).ToList(),
            model.Graph.Outputs.Select(Summarise).ToList(),
            model.Graph.OperatorCounts(),
            layers.Select(l => new LayerSummary(l.Name, l.OpType, l.WeightShape, l.Parameters)).ToList(),
            unsupported,
            model.Opset,
            graph.Initializers.Values.Where(t => t.Type == Tensors.DataType.Float).Sum(t => (long)t.Length));
    }

    private static ValueSummary Summarise(ValueInfo v) =>
        new(v.Name, v.ElementType.ToString().ToLowerInvariant(), v.Shape?.Select(d => d.ToString()).ToList());
}
