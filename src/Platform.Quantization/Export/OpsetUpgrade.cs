using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Export;

/// <summary>
/// Raises a graph's default-domain opset for the QDQ export (per-channel DequantizeLinear needs 13, INT4 and
/// blocked scales 21). Operators whose attributes became inputs on the way are rewritten (Squeeze, Unsqueeze,
/// ReduceSum and Split at 13; the other Reduce* at 18); attributes that were dropped (BatchNormalization's
/// spatial, consumed_inputs, is_test, Gemm's broadcast) are removed; anything else that changed form is refused
/// with its name, rather than written as a model ONNX Runtime would read differently.
/// </summary>
internal static class OpsetUpgrade
{
    private static readonly string[] LaterReduces =
        ["ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"];

    public static void Apply(ModelGraph graph, int from, int to)
    {
        if (to <= from) return;
        foreach (var n in graph.Nodes)
        {
            if (n.Domain.Length > 0 && n.Domain != "ai.onnx") continue;
            if (n.OpType is "BatchNormalization" && n.GetInt("spatial", 1) == 0)
                throw new NotSupportedException($"{n.Describe()} uses spatial = 0, which opset 9 removed: re-export the model at opset 13 or later.");
            if (n.OpType is "Add" or "Sub" or "Mul" or "Div" && n.HasAttribute("axis"))
                throw new NotSupportedException($"{n.Describe()} uses opset 6 broadcasting (axis), which opset 7 replaced: re-export the model at opset 13 or later.");
            // Removed later without changing what inference computes (Dropout's ratio only matters when training).
            foreach (var dropped in (string[])["consumed_inputs", "is_test", "spatial", "broadcast"]) n.Attributes.Remove(dropped);
            if (n.OpType == "Dropout") n.Attributes.Remove("ratio");
            switch (n.OpType)
            {
                case "Squeeze" or "Unsqueeze" or "ReduceSum" when from < 13 && to >= 13:
                    AttributeToInput(graph, n, "axes", 1);
                    break;
                case "Split" when from < 13 && to >= 13:
                    AttributeToInput(graph, n, "split", 1);
                    break;
                case var op when from < 18 && to >= 18 && LaterReduces.Contains(op):
                    AttributeToInput(graph, n, "axes", 1);
                    break;
                case "Pad" or "Slice" or "Upsample" when from < 11:
                case "Clip" when from < 11 && (n.HasAttribute("min") || n.HasAttribute("max")):
                case "Resize" when from < 11:
                    throw new NotSupportedException(
                        $"{n.Describe()} is written in opset {from}'s form, which changed before opset {to} that the quantized export needs: " +
                        "re-export the model at opset 13 or later.");
            }
        }
    }

    private static void AttributeToInput(ModelGraph graph, Node n, string attribute, int index)
    {
        if (n.GetInts(attribute) is not { } values) return;
        n.Attributes.Remove(attribute);
        string name = (n.Name.Length > 0 ? n.Name : n.OpType) + "_" + attribute;
        for (int i = 1; graph.Initializers.ContainsKey(name); i++) name = $"{n.Name}_{attribute}_{i}";
        graph.Initializers[name] = Tensor.FromArray(values, values.Length);
        while (n.Inputs.Count < index) n.Inputs.Add("");
        if (n.Inputs.Count == index) n.Inputs.Add(name);
        else n.Inputs[index] = name;
    }
}
