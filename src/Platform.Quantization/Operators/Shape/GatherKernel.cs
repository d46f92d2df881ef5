using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX Gather (1, 11, 13): takes entries of <c>data</c> along <c>axis</c> at <c>indices</c>
/// (int32/int64, negative counts from the end). Output shape: data[:axis] + indices + data[axis+1:].
/// </summary>
[OnnxOperator("Gather")]
public sealed class GatherKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var data = ShapeArgs.Required(node, inputs, 0, "data");
        var indices = ShapeArgs.Required(node, inputs, 1, "indices");
        if (data.Rank == 0) throw new ShapeMismatchException("Gather: data is a scalar.");
        int axis = TensorShape.Axis(node.GetInt("axis", 0), data.Rank);
        int dim = data.Shape[axis];
        var idx = Normalise(indices, dim, $"Gather: axis {axis} of data {TensorShape.Format(data.Shape)}");

        var shape = new int[data.Rank - 1 + indices.Rank];
        data.Shape.AsSpan(0, axis).CopyTo(shape);
        indices.Shape.CopyTo(shape, axis);
        data.Shape.AsSpan(axis + 1).CopyTo(shape.AsSpan(axis + indices.Rank));
        var dst = Elements.Allocate(data.Type, TensorShape.ElementCount(shape));
        var action = new GatherAction
        {
            Src = data.Data, Dst = dst, Indices = idx, Dim = dim,
            Outer = ShapeArgs.Product(data.Shape, 0, axis), Inner = ShapeArgs.Product(data.Shape, axis + 1, data.Rank),
        };
        Elements.Dispatch(data.Type, ref action);
        return [new Tensor(data.Type, shape, dst)];
    }

    /// <summary>Index values with negatives wrapped, each checked against [-dim, dim).</summary>
    internal static int[] Normalise(Tensor indices, int dim, string what)
    {
        if (indices.Type is not (DataType.Int64 or DataType.Int32 or DataType.Int16 or DataType.Int8 or DataType.UInt8 or DataType.UInt16 or DataType.UInt32 or DataType.UInt64))
            throw new ArgumentException($"{what}: indices must be integers, not {indices.Type}.");
        var r = new int[indices.Length];
        for (int i = 0; i < r.Length; i++)
        {
            long v = indices.GetInt64(i);
            if (v < -dim || v >= dim) throw new ShapeMismatchException($"{what}: index {v} is out of range [{-dim}, {dim - 1}].");
            r[i] = (int)(v < 0 ? v + dim : v);
        }
        return r;
    }

    private struct GatherAction : IElementAction
    {
        public Array Src, Dst;
        public int[] Indices;
        public int Dim, Outer, Inner;

        public void Invoke<T>()
        {
            ReadOnlySpan<T> src = Elements.Span<T>(Src);
            var dst = Elements.Span<T>(Dst);
            int n = Indices.Length, d = 0;
            for (int o = 0; o < Outer; o++)
            {
                int rowBase = o * Dim;
                if (Inner == 1)
                {
                    for (int j = 0; j < n; j++) dst[d++] = src[rowBase + Indices[j]];
                }
                else
                {
                    for (int j = 0; j < n; j++, d += Inner)
                        src.Slice((rowBase + Indices[j]) * Inner, Inner).CopyTo(dst.Slice(d, Inner));
                }
            }
        }
    }
}
