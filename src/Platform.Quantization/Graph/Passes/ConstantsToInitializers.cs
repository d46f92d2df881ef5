using Platform.Quantization.Tensors;

namespace Platform.Quantization.Graph.Passes;

/// <summary>
/// Turns Constant nodes into initializers, so weights that an exporter kept in Constant nodes are
/// found by layer discovery and folding like any other constant.
/// </summary>
public static class ConstantsToInitializers
{
    public static int Apply(ModelGraph graph)
    {
        int moved = 0;
        for (int i = graph.Nodes.Count - 1; i >= 0; i--)
        {
            var n = graph.Nodes[i];
            if (n.OpType != "Constant" || n.Domain.Length > 0 && n.Domain != "ai.onnx" || n.Outputs.Count != 1) continue;
            var value = ValueOf(n);
            if (value is null) continue;
            graph.Initializers[n.Outputs[0]] = value;
            graph.Nodes.RemoveAt(i);
            moved++;
        }
        return moved;
    }

    private static Tensor? ValueOf(Node n)
    {
        if (n.GetTensor("value") is { } t) return t;
        if (n.Attributes.TryGetValue("value_float", out var a)) return Tensor.Scalar(a.F);
        if (n.Attributes.TryGetValue("value_int", out a)) return Tensor.Scalar(a.I);
        if (n.Attributes.TryGetValue("value_floats", out a)) return Tensor.FromArray(a.Floats ?? [], (a.Floats ?? []).Length);
        if (n.Attributes.TryGetValue("value_ints", out a)) return Tensor.FromArray(a.Ints ?? [], (a.Ints ?? []).Length);
        return null;
    }
}
