using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Nn;

/// <summary>InstanceNormalization: per (batch, channel) plane, y = scale·(x − mean)/√(var + ε) + B.</summary>
[OnnxOperator("InstanceNormalization")]
internal sealed class InstanceNormalizationOperator : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        if (inputs.Length < 3 || inputs.Take(3).Any(t => t is null))
            throw new ArgumentException($"{node.Describe()}: input, scale and B are all required.");
        var x = inputs[0]!;
        if (x.Type != DataType.Float) throw new NotSupportedException($"{node.Describe()}: only float32 is implemented (input is {x.Type}).");
        if (x.Rank < 2) throw new ShapeMismatchException($"{node.Describe()}: input must be [N, C, ...], got {TensorShape.Format(x.Shape)}.");
        int n = x.Shape[0], c = x.Shape[1];
        var scale = inputs[1]!.ToFloatArray();
        var bias = inputs[2]!.ToFloatArray();
        if (scale.Length != c || bias.Length != c)
            throw new ShapeMismatchException($"{node.Describe()}: scale and B need {c} values (got {scale.Length} and {bias.Length}).");
        float eps = node.GetFloat("epsilon", 1e-5f);
        int size = n * c == 0 ? 0 : x.Length / (n * c);
        var y = Tensor.Zeros(DataType.Float, (int[])x.Shape.Clone());
        var xs = x.Floats;
        var ys = y.Floats;
        for (int p = 0; p < n * c; p++)
        {
            var plane = xs.AsSpan(p * size, size);
            double sum = 0;
            foreach (var v in plane) sum += v;
            double mean = size == 0 ? 0 : sum / size;
            double sq = 0;
            foreach (var v in plane) sq += (v - mean) * (v - mean);
            double variance = size == 0 ? 0 : sq / size;
            int ch = p % c;
            float a = (float)(scale[ch] / Math.Sqrt(variance + eps));
            float b = (float)(bias[ch] - mean * a);
            var dst = ys.AsSpan(p * size, size);
            for (int i = 0; i < size; i++) dst[i] = plane[i] * a + b;
        }
        return [y];
    }
}
