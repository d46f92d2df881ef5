using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX Trilu (14): keeps the upper (upper=1, j - i &gt;= k) or lower (j - i &lt;= k) triangle of the
/// last two axes and zeroes the rest; k is an optional int64 scalar input.
/// </summary>
[OnnxOperator("Trilu")]
public sealed class TriluKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "input");
        if (x.Rank < 2) throw new ShapeMismatchException($"Trilu: input {TensorShape.Format(x.Shape)} needs rank 2 or more.");
        long k = ShapeArgs.Optional(inputs, 1) is { Length: > 0 } kt ? ShapeArgs.ScalarInt(kt, "k") : 0;
        bool upper = node.GetInt("upper", 1) != 0;
        int rows = x.Shape[^2], cols = x.Shape[^1];
        int matrices = rows * cols == 0 ? 0 : x.Length / (rows * cols);
        var dst = Elements.Allocate(x.Type, x.Length);
        for (int m = 0; m < matrices; m++)
        {
            for (int i = 0; i < rows; i++)
            {
                long from = upper ? Math.Clamp(i + k, 0, cols) : 0;
                long to = upper ? cols : Math.Clamp(i + k + 1, 0, cols);
                if (to > from)
                {
                    int off = (m * rows + i) * cols + (int)from;
                    Array.Copy(x.Data, off, dst, off, (int)(to - from));
                }
            }
        }
        return [new Tensor(x.Type, (int[])x.Shape.Clone(), dst)];
    }
}
