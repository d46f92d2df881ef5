using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX GatherElements (11, 13): output[i..] = data[i.. with the axis coordinate replaced by indices[i..]].
/// Output has the indices' shape; negative indices count from the end.
/// </summary>
[OnnxOperator("GatherElements")]
public sealed class GatherElementsKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var data = ShapeArgs.Required(node, inputs, 0, "data");
        var indices = ShapeArgs.Required(node, inputs, 1, "indices");
        int rank = data.Rank;
        if (rank == 0 || indices.Rank != rank)
            throw new ShapeMismatchException($"GatherElements: indices {TensorShape.Format(indices.Shape)} must have the rank of data {TensorShape.Format(data.Shape)} (at least 1).");
        int axis = TensorShape.Axis(node.GetInt("axis", 0), rank);
        for (int d = 0; d < rank; d++)
            if (d != axis && indices.Shape[d] > data.Shape[d])
                throw new ShapeMismatchException($"GatherElements: indices {TensorShape.Format(indices.Shape)} exceed data {TensorShape.Format(data.Shape)} on axis {d}.");
        var idx = GatherKernel.Normalise(indices, data.Shape[axis], $"GatherElements: axis {axis} of data {TensorShape.Format(data.Shape)}");

        // Source offset of every output element, walked with an odometer over the indices' shape.
        var strides = TensorShape.Strides(data.Shape);
        var offsets = new int[idx.Length];
        var pos = new int[rank];
        int baseOff = 0;
        for (int i = 0; i < idx.Length; i++)
        {
            offsets[i] = baseOff + idx[i] * strides[axis];
            for (int k = rank - 1; k >= 0; k--)
            {
                pos[k]++;
                if (k != axis) baseOff += strides[k];
                if (pos[k] < indices.Shape[k]) break;
                if (k != axis) baseOff -= strides[k] * indices.Shape[k];
                pos[k] = 0;
            }
        }
        var dst = Elements.Allocate(data.Type, idx.Length);
        var action = new TakeAction { Src = data.Data, Dst = dst, Offsets = offsets };
        Elements.Dispatch(data.Type, ref action);
        return [new Tensor(data.Type, (int[])indices.Shape.Clone(), dst)];
    }

    private struct TakeAction : IElementAction
    {
        public Array Src, Dst;
        public int[] Offsets;

        public void Invoke<T>()
        {
            ReadOnlySpan<T> src = Elements.Span<T>(Src);
            var dst = Elements.Span<T>(Dst);
            for (int i = 0; i < Offsets.Length; i++) dst[i] = src[Offsets[i]];
        }
    }
}
