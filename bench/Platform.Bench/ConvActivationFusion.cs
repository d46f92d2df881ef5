using Platform.Quantization.Graph;

namespace Platform.Bench;

/// <summary>
/// Rewrites Conv→Relu and Conv→Add→Relu into com.microsoft.FusedConv (Relu activation, Z = the other
/// addend), as ONNX Runtime does at its default optimisation level. Kept here until the engine's graph
/// passes take it over.
/// </summary>
internal static class ConvActivationFusion
{
    public static int Apply(ModelGraph g)
    {
        int fused = 0;
        var outputs = new HashSet<string>(g.Outputs.Select(o => o.Name), StringComparer.Ordinal);
        bool changed = true;
        while (changed)
        {
            changed = false;
            var consumers = g.Consumers();
            foreach (var conv in g.Nodes.Where(n => n.OpType == "Conv" && n.Domain.Length == 0).ToList())
            {
                var y = conv.Outputs[0];
                if (outputs.Contains(y) || consumers.GetValueOrDefault(y) is not [var next]) continue;
                Node? add = null;
                if (next.OpType == "Add" && next.Inputs.Count == 2)
                {
                    var other = next.Inputs[0] == y ? next.Inputs[1] : next.Inputs[0];
                    if (other == y || outputs.Contains(next.Outputs[0]) || consumers.GetValueOrDefault(next.Outputs[0]) is not [var relu2] || relu2.OpType != "Relu") continue;
                    add = next;
                    next = relu2;
                    conv.Inputs.AddRange(Enumerable.Repeat("", Math.Max(0, 3 - conv.Inputs.Count)));
                    conv.Inputs.Add(other);
                }
                else if (next.OpType != "Relu") continue;
                conv.OpType = "FusedConv";
                conv.Domain = "com.microsoft";
                conv.Attributes["activation"] = NodeAttribute.Of("activation", "Relu");
                conv.Outputs[0] = next.Outputs[0];
                g.Nodes.Remove(next);
                if (add is not null) g.Nodes.Remove(add);
                fused++;
                changed = true;
                break;
            }
        }
        return fused;
    }
}
