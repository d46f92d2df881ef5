using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX Split (2, 11, 13, 18): cuts the input along <c>axis</c>. Part sizes come from the
/// <c>split</c> attribute (before 13) or input (13+); without them the axis is cut into as many
/// parts as there are outputs (or <c>num_outputs</c>, 18+), equal except a smaller last part.
/// </summary>
[OnnxOperator("Split")]
public sealed class SplitKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "input");
        if (x.Rank == 0) throw new ShapeMismatchException("Split: the input is a scalar.");
        int axis = TensorShape.Axis(node.GetInt("axis", 0), x.Rank);
        int dim = x.Shape[axis];
        long[]? split = ShapeArgs.Optional(inputs, 1) is { } t ? ShapeArgs.Ints(t, "split") : node.GetInts("split");
        if (split is { Length: 0 }) split = null;
        int outputs = node.Outputs.Count;
        if (node.HasAttribute("num_outputs"))
        {
            if (split is not null) throw new ArgumentException("Split: give either the split input or num_outputs, not both.");
            outputs = checked((int)node.GetInt("num_outputs", 0));
        }
        var sizes = Sizes(split, outputs, dim, x.Shape, axis);

        var results = new Tensor[sizes.Length];
        int offset = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            var shape = (int[])x.Shape.Clone();
            shape[axis] = sizes[i];
            var dst = Elements.Allocate(x.Type, TensorShape.ElementCount(shape));
            var action = new SplitAction { Src = x.Data, Dst = dst, Shape = x.Shape, Axis = axis, Offset = offset, Size = sizes[i] };
            Elements.Dispatch(x.Type, ref action);
            results[i] = new Tensor(x.Type, shape, dst);
            offset += sizes[i];
        }
        return results;
    }

    internal static int[] Sizes(long[]? split, int outputs, int dim, int[] shape, int axis)
    {
        if (split is not null)
        {
            long sum = 0;
            foreach (var s in split)
            {
                if (s < 0) throw new ShapeMismatchException($"Split: part size {s} is negative.");
                sum += s;
            }
            if (sum != dim)
                throw new ShapeMismatchException($"Split: parts [{string.Join(',', split)}] add up to {sum}, but axis {axis} of {TensorShape.Format(shape)} is {dim}.");
            return Array.ConvertAll(split, s => (int)s);
        }
        if (outputs <= 0) throw new ArgumentException("Split: there are no outputs to split into.");
        // Uneven: ceil-sized parts, the last one takes what is left (ONNX 18's rule, also what the reference does earlier).
        int part = dim % outputs == 0 ? dim / outputs : dim / outputs + 1;
        var sizes = new int[outputs];
        Array.Fill(sizes, part);
        sizes[^1] += dim - part * outputs;
        if (sizes[^1] < 0)
            throw new ShapeMismatchException($"Split: axis {axis} of {TensorShape.Format(shape)} cannot be cut into {outputs} parts of {part} with a smaller last one.");
        return sizes;
    }

    private struct SplitAction : IElementAction
    {
        public Array Src, Dst;
        public int[] Shape;
        public int Axis, Offset, Size;

        public void Invoke<T>()
        {
            int outer = ShapeArgs.Product(Shape, 0, Axis), inner = ShapeArgs.Product(Shape, Axis + 1, Shape.Length);
            int block = Size * inner;
            StridedCopy.Run<T>(Elements.Span<T>(Src), Offset * inner, [Shape[Axis] * inner], Elements.Span<T>(Dst), 0, [block], [outer], block);
        }
    }
}
