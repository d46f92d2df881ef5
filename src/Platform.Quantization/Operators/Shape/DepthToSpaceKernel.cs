using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX DepthToSpace (1, 11, 13): moves blocks of channels into blocksize x blocksize spatial tiles.
/// DCR (default): reshape [N, b, b, C/b², H, W], permute [0, 3, 4, 1, 5, 2]; CRD: reshape
/// [N, C/b², b, b, H, W], permute [0, 1, 4, 2, 5, 3].
/// </summary>
[OnnxOperator("DepthToSpace")]
public sealed class DepthToSpaceKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "input");
        long bl = node.GetInt("blocksize", 0);
        if (x.Rank != 4) throw new ShapeMismatchException($"DepthToSpace: input {TensorShape.Format(x.Shape)} must be 4-D (N, C, H, W).");
        if (bl < 1 || bl * bl > x.Shape[1] || x.Shape[1] % (bl * bl) != 0)
            throw new ShapeMismatchException($"DepthToSpace: channels of {TensorShape.Format(x.Shape)} are not a multiple of blocksize² ({bl}²).");
        int b = (int)bl;
        int n = x.Shape[0], c = x.Shape[1] / (b * b), h = x.Shape[2], w = x.Shape[3];
        bool crd = node.GetString("mode", "DCR") == "CRD";
        var t = crd
            ? Permutation.Apply(x.Reshape(n, c, b, b, h, w), [0, 1, 4, 2, 5, 3])
            : Permutation.Apply(x.Reshape(n, b, b, c, h, w), [0, 3, 4, 1, 5, 2]);
        return [t.Reshape(n, c, checked(h * b), checked(w * b))];
    }
}
