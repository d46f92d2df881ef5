using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>ONNX Concat (4, 11, 13): joins inputs along <c>axis</c> (negative from 11).</summary>
[OnnxOperator("Concat")]
public sealed class ConcatKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var parts = new List<Tensor>(inputs.Length);
        foreach (var t in inputs) if (t is not null) parts.Add(t);
        if (parts.Count == 0) throw new ArgumentException("Concat needs at least one input.");
        if (!node.HasAttribute("axis")) throw new ArgumentException("Concat needs the axis attribute.");
        var first = parts[0];
        int rank = first.Rank;
        if (rank == 0) throw new ShapeMismatchException("Concat: inputs must have rank 1 or more, not scalars.");
        int axis = TensorShape.Axis(node.GetInt("axis", 0), rank);
        long total = 0;
        foreach (var p in parts)
        {
            bool ok = p.Rank == rank && p.Type == first.Type;
            for (int d = 0; ok && d < rank; d++) ok = d == axis || p.Shape[d] == first.Shape[d];
            if (!ok)
                throw new ShapeMismatchException($"Concat on axis {axis}: input {p} does not match input {first} (all dims but the axis must agree, and the types).");
            total += p.Shape[axis];
        }
        var shape = (int[])first.Shape.Clone();
        shape[axis] = checked((int)total);
        var dst = Elements.Allocate(first.Type, TensorShape.ElementCount(shape));
        var action = new ConcatAction { Parts = parts, Dst = dst, Axis = axis, Shape = shape };
        Elements.Dispatch(first.Type, ref action);
        return [new Tensor(first.Type, shape, dst)];
    }

    private struct ConcatAction : IElementAction
    {
        public List<Tensor> Parts;
        public Array Dst;
        public int Axis;
        public int[] Shape;

        public void Invoke<T>()
        {
            var dst = Elements.Span<T>(Dst);
            int outer = ShapeArgs.Product(Shape, 0, Axis), inner = ShapeArgs.Product(Shape, Axis + 1, Shape.Length);
            int dstRow = Shape[Axis] * inner, offset = 0;
            foreach (var p in Parts)
            {
                int block = p.Shape[Axis] * inner;
                StridedCopy.Run<T>(Elements.Span<T>(p.Data), 0, [block], dst, offset, [dstRow], [outer], block);
                offset += block;
            }
        }
    }
}
