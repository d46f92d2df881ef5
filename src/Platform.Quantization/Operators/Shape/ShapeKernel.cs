using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>ONNX Shape (1, 13, 15, 19, 21): the input's dims as a 1-D int64 tensor, sliced by start/end (15+).</summary>
[OnnxOperator("Shape")]
public sealed class ShapeKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "data");
        int r = x.Rank;
        long start = node.GetInt("start", 0), end = node.GetInt("end", r);
        if (start < 0) start += r;
        if (end < 0) end += r;
        start = Math.Clamp(start, 0, r);
        end = Math.Clamp(end, 0, r);
        int n = (int)Math.Max(0, end - start);
        var dims = new long[n];
        for (int i = 0; i < n; i++) dims[i] = x.Shape[start + i];
        return [Tensor.FromArray(dims, n)];
    }
}
