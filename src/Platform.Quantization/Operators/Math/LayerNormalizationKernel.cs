using System.Numerics;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>
/// LayerNormalization (opset 17): normalises over dims [axis, rank) (axis default -1), then
/// Y = (X - mean) · invStdDev · Scale + B. Also returns Mean and InvStdDev (float, shape of X with
/// the normalised dims set to 1). Statistics are computed in double (two passes), which is at
/// least as accurate as the float stash the spec asks for.
/// </summary>
[OnnxOperator("LayerNormalization")]
public sealed class LayerNormalizationKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = KernelInputs.Required(node, inputs, 0);
        var scale = KernelInputs.Required(node, inputs, 1);
        var bias = KernelInputs.Optional(inputs, 2);
        int rank = x.Rank;
        int axis = TensorShape.Axis(node.GetInt("axis", -1), rank);
        double epsilon = node.GetFloat("epsilon", 1e-5f);
        var normShape = x.Shape[axis..];
        int outer = 1;
        for (int i = 0; i < axis; i++) outer *= x.Shape[i];
        int inner = (int)TensorShape.ElementCount(normShape);
        var s = ExpandTo(node, scale, normShape, "Scale");
        var b = bias is null ? null : ExpandTo(node, bias, normShape, "B");

        var statShape = (int[])x.Shape.Clone();
        for (int i = axis; i < rank; i++) statShape[i] = 1;
        var mean = new float[outer];
        var invStd = new float[outer];
        Array y = x.Data switch
        {
            float[] a => Normalize(a, outer, inner, s, b, epsilon, mean, invStd, context),
            double[] a => Normalize(a, outer, inner, s, b, epsilon, mean, invStd, context),
            Half[] a => Normalize(a, outer, inner, s, b, epsilon, mean, invStd, context),
            _ => throw KernelInputs.Unsupported(node, x),
        };
        return
        [
            new Tensor(x.Type, (int[])x.Shape.Clone(), y),
            new Tensor(DataType.Float, statShape, mean),
            new Tensor(DataType.Float, (int[])statShape.Clone(), invStd),
        ];
    }

    /// <summary>The tensor's values broadcast to <paramref name="shape"/>, as doubles.</summary>
    internal static double[] ExpandTo(Node node, Tensor t, int[] shape, string name)
    {
        BroadcastLayout layout;
        try { layout = new BroadcastLayout(shape, t.Shape); }
        catch (ShapeMismatchException) { layout = null!; }
        if (layout is null || !layout.OutputShape.AsSpan().SequenceEqual(shape))
            throw new ShapeMismatchException($"{node.Describe()}: {name} {TensorShape.Format(t.Shape)} does not broadcast to the normalised shape {TensorShape.Format(shape)}.");
        var r = new double[layout.Length];
        if (r.Length == 0) return r;
        int stride = layout.InnerStride(1);
        layout.ForEachRun(0, r.Length, stackalloc int[2], (o, offs, len) =>
        {
            for (int i = 0; i < len; i++) r[o + i] = t.GetDouble(offs[1] + i * stride);
        });
        return r;
    }

    private static T[] Normalize<T>(T[] x, int outer, int inner, double[] scale, double[]? bias, double epsilon,
        float[] meanOut, float[] invStdOut, OperatorContext context) where T : INumberBase<T>
    {
        var y = new T[x.Length];
        Elementwise.For(outer, context, (start, end) =>
        {
            for (int row = start; row < end; row++)
            {
                var xs = x.AsSpan(row * inner, inner);
                var ys = y.AsSpan(row * inner, inner);
                double sum = 0;
                for (int j = 0; j < inner; j++) sum += Num.ToDouble(xs[j]);
                double mean = sum / inner;
                double sq = 0;
                for (int j = 0; j < inner; j++)
                {
                    double d = Num.ToDouble(xs[j]) - mean;
                    sq += d * d;
                }
                double inv = 1 / System.Math.Sqrt(sq / inner + epsilon);
                meanOut[row] = (float)mean;
                invStdOut[row] = (float)inv;
                if (bias is null)
                    for (int j = 0; j < inner; j++) ys[j] = Num.FromDouble<T>((Num.ToDouble(xs[j]) - mean) * inv * scale[j]);
                else
                    for (int j = 0; j < inner; j++) ys[j] = Num.FromDouble<T>((Num.ToDouble(xs[j]) - mean) * inv * scale[j] + bias[j]);
            }
        }, itemCost: inner);
        return y;
    }
}
