using Platform.Quantization.Tensors;

namespace Platform.Quantization.Graph.Passes;

/// <summary>
/// Folds an inference BatchNormalization into the Conv (or ConvTranspose) that feeds it:
/// W' = W·γ/√(σ²+ε) per output channel, b' = (b−μ)·γ/√(σ²+ε) + β. Quantizing the folded weight is
/// what deployment runs, so the quantization error is measured on the right tensor.
/// </summary>
public static class BatchNormFolding
{
    public static int Apply(ModelGraph graph)
    {
        var consumers = graph.Consumers();
        var outputs = new HashSet<string>(graph.Outputs.Select(o => o.Name), StringComparer.Ordinal);
        int folded = 0;
        foreach (var bn in graph.Nodes.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            if (bn.Outputs.Count(o => o.Length > 0) != 1 || bn.Inputs.Count < 5) continue;
            var x = bn.Inputs[0];
            var conv = graph.Nodes.FirstOrDefault(n => n.Outputs.Contains(x) && n.OpType is "Conv" or "ConvTranspose");
            if (conv is null || outputs.Contains(x) || consumers.GetValueOrDefault(x)?.Count != 1) continue;
            if (!TryGet(graph, conv.Input(1), out var w) || w.Type != DataType.Float) continue;
            if (!TryGet(graph, bn.Input(1), out var gamma) || !TryGet(graph, bn.Input(2), out var beta) ||
                !TryGet(graph, bn.Input(3), out var mean) || !TryGet(graph, bn.Input(4), out var variance)) continue;
            Tensor? bias = null;
            if (conv.Input(2) is { } bname && !TryGet(graph, bname, out bias)) continue;

            int group = (int)conv.GetInt("group", 1);
            int outChannels = conv.OpType == "Conv" ? w.Shape[0] : w.Shape[1] * group;
            if (gamma.Length != outChannels) continue;
            float eps = bn.GetFloat("epsilon", 1e-5f);

            var scale = new float[outChannels];
            for (int c = 0; c < outChannels; c++)
                scale[c] = (float)(gamma.GetDouble(c) / Math.Sqrt(variance.GetDouble(c) + eps));

            var wf = w.Floats;
            var nw = new float[wf.Length];
            if (conv.OpType == "Conv")
            {
                int per = wf.Length / outChannels;
                for (int c = 0; c < outChannels; c++)
                    for (int k = 0; k < per; k++) nw[c * per + k] = wf[c * per + k] * scale[c];
            }
            else
            {
                // ConvTranspose weights are [C_in, C_out/group, k...]: output channel = g·(C_out/group) + dim1.
                int inCh = w.Shape[0], outPerGroup = w.Shape[1], inPerGroup = inCh / group;
                int spatial = wf.Length / (inCh * outPerGroup);
                for (int ci = 0; ci < inCh; ci++)
                    for (int co = 0; co < outPerGroup; co++)
                    {
                        int oc = ci / inPerGroup * outPerGroup + co;
                        int off = (ci * outPerGroup + co) * spatial;
                        for (int k = 0; k < spatial; k++) nw[off + k] = wf[off + k] * scale[oc];
                    }
            }
            var nb = new float[outChannels];
            for (int c = 0; c < outChannels; c++)
                nb[c] = (float)(((bias?.GetDouble(c) ?? 0) - mean.GetDouble(c)) * scale[c] + beta.GetDouble(c));

            var wName = Unique(graph, conv.Inputs[1] + "_bnfolded");
            var bName = Unique(graph, (conv.Input(2) ?? conv.Outputs[0] + "_bias") + "_bnfolded");
            graph.Initializers[wName] = new Tensor(DataType.Float, (int[])w.Shape.Clone(), nw);
            graph.Initializers[bName] = Tensor.FromArray(nb, outChannels);
            conv.Inputs[1] = wName;
            if (conv.Inputs.Count > 2) conv.Inputs[2] = bName; else conv.Inputs.Add(bName);
            conv.Outputs[0] = bn.Outputs[0];
            graph.Nodes.Remove(bn);
            folded++;
        }
        if (folded > 0) ConstantFolding.RemoveUnusedInitializers(graph);
        return folded;
    }

    private static bool TryGet(ModelGraph g, string? name, out Tensor t)
    {
        t = null!;
        return name is not null && g.Initializers.TryGetValue(name, out t!);
    }

    private static string Unique(ModelGraph g, string name)
    {
        var n = name;
        for (int i = 1; g.Initializers.ContainsKey(n); i++) n = $"{name}_{i}";
        return n;
    }
}
