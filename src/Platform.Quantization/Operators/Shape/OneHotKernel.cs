using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX OneHot (9, 11): inserts an axis of length depth; the entry at each index is values[1], the
/// rest values[0]. Negative indices count from depth; indices out of [-depth, depth) give all off.
/// </summary>
[OnnxOperator("OneHot")]
public sealed class OneHotKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var indices = ShapeArgs.Required(node, inputs, 0, "indices");
        var depthT = ShapeArgs.Required(node, inputs, 1, "depth");
        var values = ShapeArgs.Required(node, inputs, 2, "values");
        if (depthT.Length != 1) throw new ShapeMismatchException($"OneHot: depth must be a scalar, not {TensorShape.Format(depthT.Shape)}.");
        if (values.Length != 2) throw new ShapeMismatchException($"OneHot: values must hold [off, on], not {TensorShape.Format(values.Shape)}.");
        long depth = (long)depthT.GetDouble(0);
        if (depth < 1) throw new ArgumentException($"OneHot: depth {depth} must be positive.");
        int outRank = indices.Rank + 1;
        long axisAttr = node.GetInt("axis", -1);
        if (axisAttr < -outRank || axisAttr >= outRank)
            throw new ShapeMismatchException($"OneHot: axis {axisAttr} is out of range for output rank {outRank}.");
        int axis = (int)(axisAttr < 0 ? axisAttr + outRank : axisAttr);
        var dims = new long[outRank];
        for (int i = 0, j = 0; i < outRank; i++) dims[i] = i == axis ? depth : indices.Shape[j++];
        var shape = ShapeArgs.ToShape(dims, "OneHot");

        var dst = Elements.Allocate(values.Type, TensorShape.ElementCount(shape));
        var off = Elements.Allocate(values.Type, 1);
        var on = Elements.Allocate(values.Type, 1);
        Array.Copy(values.Data, 0, off, 0, 1);
        Array.Copy(values.Data, 1, on, 0, 1);
        Fill.Run(dst, off);
        int inner = ShapeArgs.Product(indices.Shape, axis, indices.Rank);
        int d = (int)depth;
        for (int p = 0; p < indices.Length; p++)
        {
            double v = indices.GetDouble(p);
            long idx = (long)v;
            if (idx < 0) idx += depth;
            if (idx < 0 || idx >= depth) continue;
            int o = p / Math.Max(inner, 1), i = p % Math.Max(inner, 1);
            Array.Copy(on, 0, dst, ((long)o * d + idx) * inner + i, 1);
        }
        return [new Tensor(values.Type, shape, dst)];
    }
}
