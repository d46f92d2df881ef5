using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>ONNX NonZero (9, 13): int64 [rank, count] coordinates of non-zero elements in row-major order (scalars as rank 1).</summary>
[OnnxOperator("NonZero")]
public sealed class NonZeroKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "X");
        var shape = x.Rank == 0 ? [1] : x.Shape;
        int rank = shape.Length;
        var hits = new List<int>();
        for (int i = 0; i < x.Length; i++) if (Elements.IsNonZero(x.Data, i)) hits.Add(i);
        var strides = TensorShape.Strides(shape);
        int n = hits.Count;
        var r = new long[(long)rank * n];
        for (int j = 0; j < n; j++)
        {
            int rem = hits[j];
            for (int k = 0; k < rank; k++)
            {
                r[k * n + j] = rem / strides[k];
                rem %= strides[k];
            }
        }
        return [Tensor.FromArray(r, rank, n)];
    }
}
