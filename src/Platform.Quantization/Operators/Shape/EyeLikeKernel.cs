using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>ONNX EyeLike (9, 22): a 2-D tensor of the input's shape with ones on diagonal k; type from dtype or the input.</summary>
[OnnxOperator("EyeLike")]
public sealed class EyeLikeKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "input");
        if (x.Rank != 2) throw new ShapeMismatchException($"EyeLike: input {TensorShape.Format(x.Shape)} must be 2-D.");
        var type = node.HasAttribute("dtype") ? (DataType)node.GetInt("dtype", 1) : x.Type;
        long k = node.GetInt("k", 0);
        int rows = x.Shape[0], cols = x.Shape[1];
        var dst = Elements.Allocate(type, x.Length);
        var one = Elements.ScalarOf(type, 1);
        for (long i = Math.Max(0, -k); i < rows && i + k < cols; i++)
            Array.Copy(one, 0, dst, (int)(i * cols + i + k), 1);
        return [new Tensor(type, [rows, cols], dst)];
    }
}
