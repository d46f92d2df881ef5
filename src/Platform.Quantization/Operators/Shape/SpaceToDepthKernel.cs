using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>ONNX SpaceToDepth (1, 13): reshape [N, C, H/b, b, W/b, b], permute [0, 3, 5, 1, 2, 4], giving [N, C·b², H/b, W/b].</summary>
[OnnxOperator("SpaceToDepth")]
public sealed class SpaceToDepthKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "input");
        long bl = node.GetInt("blocksize", 0);
        if (x.Rank != 4) throw new ShapeMismatchException($"SpaceToDepth: input {TensorShape.Format(x.Shape)} must be 4-D (N, C, H, W).");
        if (bl < 1 || x.Shape[2] % bl != 0 || x.Shape[3] % bl != 0)
            throw new ShapeMismatchException($"SpaceToDepth: H and W of {TensorShape.Format(x.Shape)} are not multiples of blocksize {bl}.");
        int b = (int)bl;
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2] / b, w = x.Shape[3] / b;
        var t = Permutation.Apply(x.Reshape(n, c, h, b, w, b), [0, 3, 5, 1, 2, 4]);
        return [t.Reshape(n, checked(c * b * b), h, w)];
    }
}
