using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX Reshape (5, 13, 14, 19, 21): 0 copies the input's dim at that index (unless allowzero=1,
/// opset 14+, where 0 is a real zero), -1 is inferred. Shares the input's data.
/// </summary>
[OnnxOperator("Reshape")]
public sealed class ReshapeKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "data");
        var requested = ShapeArgs.Ints(ShapeArgs.Required(node, inputs, 1, "shape"), "shape");
        bool allowZero = context.Opset >= 14 && node.GetInt("allowzero", 0) != 0;
        return [new Tensor(x.Type, OutputShape(x.Shape, requested, allowZero), x.Data)];
    }

    internal static int[] OutputShape(int[] input, long[] requested, bool allowZero)
    {
        string Describe() => $"Reshape: cannot reshape {TensorShape.Format(input)} ({TensorShape.ElementCount(input)} elements) to [{string.Join(',', requested)}]";
        var dims = new long[requested.Length];
        int infer = -1;
        Int128 known = 1;
        for (int i = 0; i < requested.Length; i++)
        {
            long d = requested[i];
            if (d == 0 && !allowZero)
            {
                if (i >= input.Length) throw new ShapeMismatchException($"{Describe()}: 0 at index {i} has no input dim to copy.");
                d = input[i];
            }
            else if (d == -1)
            {
                if (infer >= 0) throw new ShapeMismatchException($"{Describe()}: more than one -1.");
                infer = i;
                continue;
            }
            else if (d < -1) throw new ShapeMismatchException($"{Describe()}: dim {d} is invalid.");
            dims[i] = d;
            known *= d;
            if (known > TensorShape.MaxElements) known = TensorShape.MaxElements + (Int128)1;
        }
        long count = TensorShape.ElementCount(input);
        if (infer >= 0)
        {
            if (allowZero && Array.IndexOf(requested, 0L) >= 0)
                throw new ShapeMismatchException($"{Describe()}: with allowzero=1 a shape cannot hold both 0 and -1.");
            if (known == 0 || count % (long)known != 0)
                throw new ShapeMismatchException($"{Describe()}: the -1 dim cannot be inferred.");
            dims[infer] = count / (long)known;
        }
        else if (known != count)
            throw new ShapeMismatchException($"{Describe()}.");
        return ShapeArgs.ToShape(dims, "Reshape");
    }
}
