using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Nn;

/// <summary>
/// BatchNormalization: y = (x − mean)/√(var + ε)·scale + B per channel (axis 1). In training mode
/// (opset 14+ training_mode=1) the batch's own statistics are used and the running ones are updated
/// with momentum, as the ONNX reference does.
/// </summary>
[OnnxOperator("BatchNormalization")]
internal sealed class BatchNormalizationOperator : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        if (inputs.Length < 5 || inputs.Take(5).Any(t => t is null))
            throw new ArgumentException($"{node.Describe()}: X, scale, B, input_mean and input_var are all required.");
        var x = inputs[0]!;
        if (x.Type != DataType.Float) throw new NotSupportedException($"{node.Describe()}: only float32 is implemented (X is {x.Type}).");
        int n = x.Rank > 0 ? x.Shape[0] : 1, c = x.Rank > 1 ? x.Shape[1] : 1;
        int size = n * c == 0 ? 0 : x.Length / (n * c);
        for (int i = 1; i < 5; i++)
            if (inputs[i]!.Length != c)
                throw new ShapeMismatchException($"{node.Describe()}: input {i} has {inputs[i]!.Length} values but X {TensorShape.Format(x.Shape)} has {c} channels.");
        var scale = inputs[1]!.ToFloatArray();
        var bias = inputs[2]!.ToFloatArray();
        var mean = inputs[3]!.ToFloatArray();
        var variance = inputs[4]!.ToFloatArray();
        float eps = node.GetFloat("epsilon", 1e-5f);
        float momentum = node.GetFloat("momentum", 0.9f);
        bool training = context.Opset >= 14 && node.GetInt("training_mode", 0) != 0;

        float[]? runMean = null, runVar = null;
        if (training)
        {
            var bm = new double[c];
            var bv = new double[c];
            var xs = x.Floats;
            for (int ch = 0; ch < c; ch++)
            {
                double s = 0, s2 = 0;
                for (int b = 0; b < n; b++)
                    foreach (var v in xs.AsSpan((b * c + ch) * size, size)) { s += v; s2 += (double)v * v; }
                long cnt = (long)n * size;
                bm[ch] = cnt == 0 ? 0 : s / cnt;
                bv[ch] = cnt == 0 ? 0 : s2 / cnt - bm[ch] * bm[ch];
            }
            runMean = new float[c];
            runVar = new float[c];
            for (int ch = 0; ch < c; ch++)
            {
                runMean[ch] = (float)(mean[ch] * momentum + bm[ch] * (1 - momentum));
                runVar[ch] = (float)(variance[ch] * momentum + bv[ch] * (1 - momentum));
                mean[ch] = (float)bm[ch];
                variance[ch] = (float)bv[ch];
            }
        }

        var y = Tensor.Zeros(DataType.Float, (int[])x.Shape.Clone());
        var src = x.Floats;
        var dst = y.Floats;
        for (int ch = 0; ch < c; ch++)
        {
            float a = scale[ch] / MathF.Sqrt(variance[ch] + eps);
            float b0 = bias[ch] - mean[ch] * a;
            for (int b = 0; b < n; b++)
            {
                int off = (b * c + ch) * size;
                ScaleShift(src.AsSpan(off, size), dst.AsSpan(off, size), a, b0);
            }
        }
        if (!training) return [y];
        return [y, Tensor.FromArray(runMean!, c), Tensor.FromArray(runVar!, c)];
    }

    private static void ScaleShift(ReadOnlySpan<float> x, Span<float> y, float a, float b)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float yr = ref MemoryMarshal.GetReference(y);
            for (; i + 16 <= x.Length; i += 16)
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)i), va, vb), ref yr, (nuint)i);
        }
        for (; i < x.Length; i++) y[i] = x[i] * a + b;
    }
}
