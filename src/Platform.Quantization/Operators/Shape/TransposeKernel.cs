using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>ONNX Transpose (1, 13, 21): permutes axes by <c>perm</c> (default: reversed).</summary>
[OnnxOperator("Transpose")]
public sealed class TransposeKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "data");
        var attr = node.GetInts("perm");
        int[] perm;
        if (attr is { Length: > 0 } || (attr is not null && x.Rank == 0))
        {
            perm = new int[attr.Length];
            for (int i = 0; i < perm.Length; i++)
                perm[i] = attr[i] is >= int.MinValue and <= int.MaxValue ? (int)attr[i] : -1;
        }
        else
        {
            perm = new int[x.Rank];
            for (int i = 0; i < perm.Length; i++) perm[i] = x.Rank - 1 - i;
        }
        return [Permutation.Apply(x, perm)];
    }
}
