using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>ONNX Expand (8, 13): broadcasts the input against <c>shape</c> (numpy rules, both ways).</summary>
[OnnxOperator("Expand")]
public sealed class ExpandKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "input");
        var requested = ShapeArgs.Ints(ShapeArgs.Required(node, inputs, 1, "shape"), "shape");
        var target = ShapeArgs.ToShape(requested, "Expand");
        int[] shape;
        try { shape = TensorShape.Broadcast(x.Shape, target); }
        catch (ShapeMismatchException) { throw new ShapeMismatchException($"Expand: input {TensorShape.Format(x.Shape)} does not broadcast to [{string.Join(',', requested)}]."); }
        ShapeArgs.ToShape(Array.ConvertAll(shape, d => (long)d), "Expand");
        return [BroadcastTo(x, shape)];
    }

    /// <summary>Copies x into a tensor of <paramref name="shape"/>, repeating size-1 (and missing leading) axes.</summary>
    internal static Tensor BroadcastTo(Tensor x, int[] shape)
    {
        int rank = shape.Length, pad = rank - x.Rank;
        var inStrides = TensorShape.Strides(x.Shape);
        var srcStrides = new int[rank];
        for (int i = 0; i < rank; i++)
            srcStrides[i] = i < pad || x.Shape[i - pad] == 1 ? 0 : inStrides[i - pad];
        // Trailing axes that are not broadcast are one contiguous block.
        int split = rank;
        while (split > pad && x.Shape[split - 1 - pad] == shape[split - 1]) split--;
        int inner = ShapeArgs.Product(shape, split, rank);
        var dst = Elements.Allocate(x.Type, TensorShape.ElementCount(shape));
        if (dst.Length > 0)
        {
            var action = new CopyAction
            {
                Src = x.Data, Dst = dst, Dims = shape[..split], SrcStrides = srcStrides[..split],
                DstStrides = TensorShape.Strides(shape)[..split], Inner = inner,
            };
            Elements.Dispatch(x.Type, ref action);
        }
        return new Tensor(x.Type, shape, dst);
    }
}
