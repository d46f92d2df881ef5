using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Nn;

/// <summary>LpNormalization (p = 1 or 2) along one axis; a zero-norm slice stays zero.</summary>
[OnnxOperator("LpNormalization")]
internal sealed class LpNormalizationOperator : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = inputs[0] ?? throw new ArgumentException($"{node.Describe()}: input is missing.");
        if (x.Type != DataType.Float) throw new NotSupportedException($"{node.Describe()}: only float32 is implemented (input is {x.Type}).");
        int p = (int)node.GetInt("p", 2);
        if (p is not (1 or 2)) throw new ArgumentException($"{node.Describe()}: p must be 1 or 2, got {p}.");
        int axis = TensorShape.Axis(node.GetInt("axis", -1), x.Rank);
        int len = x.Rank == 0 ? 1 : x.Shape[axis];
        int inner = 1;
        for (int i = axis + 1; i < x.Rank; i++) inner *= x.Shape[i];
        int outer = len * inner == 0 ? 0 : x.Length / (len * inner);
        var y = Tensor.Zeros(DataType.Float, (int[])x.Shape.Clone());
        var xs = x.Floats;
        var ys = y.Floats;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int b = o * len * inner + i;
                double norm = 0;
                for (int j = 0; j < len; j++) { double v = xs[b + j * inner]; norm += p == 1 ? Math.Abs(v) : v * v; }
                if (p == 2) norm = Math.Sqrt(norm);
                for (int j = 0; j < len; j++) ys[b + j * inner] = norm == 0 ? 0f : (float)(xs[b + j * inner] / norm);
            }
        return [y];
    }
}
