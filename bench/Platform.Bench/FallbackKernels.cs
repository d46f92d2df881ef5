using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Bench;

/// <summary>
/// Same-shape Add and Relu for the ResNet18 measurement, bound only to nodes whose operator the
/// engine does not implement yet (the elementwise operators come from another branch).
/// </summary>
internal sealed class FallbackKernels : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var a = inputs[0]!.Floats;
        var y = GC.AllocateUninitializedArray<float>(a.Length);
        switch (node.OpType)
        {
            case "Relu":
                for (int i = 0; i < a.Length; i++) y[i] = Math.Max(a[i], 0f);
                break;
            case "Add":
                var b = inputs[1]!.Floats;
                if (b.Length != a.Length) throw new NotSupportedException("bench Add handles equal shapes only");
                for (int i = 0; i < a.Length; i++) y[i] = a[i] + b[i];
                break;
            default: throw new NotSupportedException(node.OpType);
        }
        return [new Tensor(DataType.Float, inputs[0]!.Shape, y)];
    }

    public static Dictionary<Node, IOperatorKernel> For(ModelGraph graph)
    {
        var k = new FallbackKernels();
        return graph.Nodes.Where(n => n.OpType is "Add" or "Relu" && !OperatorRegistry.IsSupported(n.Domain, n.OpType))
            .ToDictionary(n => n, _ => (IOperatorKernel)k);
    }
}
