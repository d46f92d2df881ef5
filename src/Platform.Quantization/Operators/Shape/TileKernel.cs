using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>ONNX Tile (6, 13): repeats the input <c>repeats[i]</c> times along each axis i.</summary>
[OnnxOperator("Tile")]
public sealed class TileKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "input");
        var repeats = ShapeArgs.Ints(ShapeArgs.Required(node, inputs, 1, "repeats"), "repeats");
        int rank = x.Rank;
        if (repeats.Length != rank)
            throw new ShapeMismatchException($"Tile: repeats [{string.Join(',', repeats)}] must have one entry per axis of input {TensorShape.Format(x.Shape)}.");
        var outDims = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            if (repeats[i] < 0) throw new ShapeMismatchException($"Tile: repeat {repeats[i]} on axis {i} is negative.");
            outDims[i] = repeats[i] > int.MaxValue ? long.MaxValue : x.Shape[i] * repeats[i];
        }
        var shape = ShapeArgs.ToShape(outDims, "Tile");
        var dst = Elements.Allocate(x.Type, TensorShape.ElementCount(shape));
        if (dst.Length == 0 || rank == 0) { if (rank == 0) Array.Copy(x.Data, dst, 1); return [new Tensor(x.Type, shape, dst)]; }

        // View the output as [r0, d0, r1, d1, ...]: the repeat axes read the input with stride 0.
        var inStrides = TensorShape.Strides(x.Shape);
        var outStrides = TensorShape.Strides(shape);
        var dims = new int[2 * rank - 1];
        var s = new int[2 * rank - 1];
        var d = new int[2 * rank - 1];
        for (int i = 0; i < rank; i++)
        {
            dims[2 * i] = (int)repeats[i]; s[2 * i] = 0; d[2 * i] = x.Shape[i] * outStrides[i];
            if (i < rank - 1) { dims[2 * i + 1] = x.Shape[i]; s[2 * i + 1] = inStrides[i]; d[2 * i + 1] = outStrides[i]; }
        }
        var action = new CopyAction { Src = x.Data, Dst = dst, Dims = dims, SrcStrides = s, DstStrides = d, Inner = x.Shape[rank - 1] };
        Elements.Dispatch(x.Type, ref action);
        return [new Tensor(x.Type, shape, dst)];
    }
}
