using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX Slice (1, 10, 11, 13): starts/ends/axes are attributes before opset 10 and inputs (with
/// steps) from 10. Numpy semantics: negative indices count from the end, out-of-range indices clamp,
/// negative steps walk backwards (start clamps to [0, dim-1], end to [-1, dim-1]).
/// </summary>
[OnnxOperator("Slice")]
public sealed class SliceKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "data");
        long[] starts, ends;
        long[]? axes, steps = null;
        if (ShapeArgs.Optional(inputs, 1) is { } st)
        {
            starts = ShapeArgs.Ints(st, "starts");
            ends = ShapeArgs.Ints(ShapeArgs.Required(node, inputs, 2, "ends"), "ends");
            axes = ShapeArgs.Optional(inputs, 3) is { } a ? ShapeArgs.Ints(a, "axes") : null;
            steps = ShapeArgs.Optional(inputs, 4) is { } s ? ShapeArgs.Ints(s, "steps") : null;
        }
        else
        {
            starts = node.GetInts("starts") ?? throw new ArgumentException("Slice needs starts (an input from opset 10, an attribute before).");
            ends = node.GetInts("ends") ?? throw new ArgumentException("Slice needs ends.");
            axes = node.GetInts("axes");
        }
        return [Apply(x, starts, ends, axes, steps)];
    }

    internal static Tensor Apply(Tensor x, long[] starts, long[] ends, long[]? axes, long[]? steps)
    {
        int rank = x.Rank;
        if (ends.Length != starts.Length || axes is not null && axes.Length != starts.Length || steps is not null && steps.Length != starts.Length)
            throw new ShapeMismatchException($"Slice: starts, ends, axes and steps must have the same length (got {starts.Length}, {ends.Length}, {axes?.Length}, {steps?.Length}).");
        var ax = axes is null ? Enumerable.Range(0, starts.Length).ToArray() : ShapeArgs.Axes(axes, rank, "Slice");
        if (axes is null && starts.Length > rank)
            throw new ShapeMismatchException($"Slice: {starts.Length} starts for input {TensorShape.Format(x.Shape)}.");

        var begin = new int[rank];
        var step = new int[rank];
        var count = new int[rank];
        for (int i = 0; i < rank; i++) { step[i] = 1; count[i] = x.Shape[i]; }
        for (int k = 0; k < ax.Length; k++)
        {
            int a = ax[k];
            long dim = x.Shape[a];
            long s = steps?[k] ?? 1;
            if (s == 0) throw new ArgumentException($"Slice: step on axis {a} is 0.");
            long b = starts[k], e = ends[k];
            if (b < 0) b += dim;
            if (e < 0) e += dim;
            long n;
            if (s > 0)
            {
                b = Math.Clamp(b, 0, dim);
                e = Math.Clamp(e, 0, dim);
                n = e > b ? (e - b + s - 1) / s : 0;
            }
            else
            {
                b = Math.Clamp(b, 0, dim - 1);
                e = Math.Clamp(e, -1, dim - 1);
                n = b > e ? (b - e + (-s) - 1) / (-s) : 0;
            }
            begin[a] = (int)Math.Max(b, 0);
            // With one element taken the step is irrelevant; a huge one would overflow the stride.
            step[a] = n <= 1 ? 1 : (int)s;
            count[a] = (int)n;
        }

        var strides = TensorShape.Strides(x.Shape);
        long start = 0;
        var srcStrides = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            start += (long)begin[i] * strides[i];
            srcStrides[i] = strides[i] * step[i];
        }
        // Trailing axes taken whole move as one contiguous block.
        int split = rank;
        while (split > 0 && step[split - 1] == 1 && count[split - 1] == x.Shape[split - 1] && begin[split - 1] == 0) split--;
        int inner = ShapeArgs.Product(count, split, rank);
        var dst = Elements.Allocate(x.Type, TensorShape.ElementCount(count));
        if (dst.Length > 0)
        {
            var action = new SliceAction
            {
                Src = x.Data, Dst = dst, Start = (int)start, Dims = count[..split],
                SrcStrides = srcStrides[..split], DstStrides = TensorShape.Strides(count)[..split], Inner = inner,
            };
            Elements.Dispatch(x.Type, ref action);
        }
        return new Tensor(x.Type, count, dst);
    }

    private struct SliceAction : IElementAction
    {
        public Array Src, Dst;
        public int Start, Inner;
        public int[] Dims, SrcStrides, DstStrides;

        public void Invoke<T>() =>
            StridedCopy.Run<T>(Elements.Span<T>(Src), Start, SrcStrides, Elements.Span<T>(Dst), 0, DstStrides, Dims, Inner);
    }
}
