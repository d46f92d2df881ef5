using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Nn;

/// <summary>GlobalAveragePool / GlobalMaxPool: one value per (batch, channel), spatial dims kept as 1.</summary>
[OnnxOperator("GlobalAveragePool")]
[OnnxOperator("GlobalMaxPool")]
internal sealed class GlobalPoolOperator : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = inputs[0] ?? throw new ArgumentException($"{node.Describe()}: input X is missing.");
        if (x.Type != DataType.Float) throw new NotSupportedException($"{node.Describe()}: only float32 is implemented (X is {x.Type}).");
        if (x.Rank < 2) throw new ShapeMismatchException($"{node.Describe()}: X must be [N, C, ...], got {TensorShape.Format(x.Shape)}.");
        var shape = (int[])x.Shape.Clone();
        for (int i = 2; i < shape.Length; i++) shape[i] = 1;
        var y = Tensor.Zeros(DataType.Float, shape);
        int planes = x.Shape[0] * x.Shape[1];
        int size = planes == 0 ? 0 : x.Length / planes;
        bool max = node.OpType == "GlobalMaxPool";
        var xs = x.Floats;
        var ys = y.Floats;
        for (int p = 0; p < planes; p++)
        {
            var plane = xs.AsSpan(p * size, size);
            if (max)
            {
                float m = float.NegativeInfinity;
                foreach (var v in plane) if (v > m || float.IsNaN(v)) m = v;
                ys[p] = m;
            }
            else
            {
                double s = 0;
                foreach (var v in plane) s += v;
                ys[p] = (float)(s / size);
            }
        }
        return [y];
    }
}
