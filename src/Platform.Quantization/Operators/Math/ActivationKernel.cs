using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>
/// Activations with float attributes: LeakyRelu (alpha 0.01), Elu (alpha 1), Selu (alpha, gamma),
/// HardSigmoid (alpha 0.2, beta 0.5). Evaluated in double and rounded once.
/// </summary>
[OnnxOperator("LeakyRelu")]
[OnnxOperator("Elu")]
[OnnxOperator("Selu")]
[OnnxOperator("HardSigmoid")]
public sealed class ActivationKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = KernelInputs.Required(node, inputs, 0);
        switch (node.OpType)
        {
            case "LeakyRelu":
            {
                double alpha = node.GetFloat("alpha", 0.01f);
                if (x.Data is float[] f) return [LeakyRelu(f, (float)alpha, x.Shape)];
                return [Map(node, x, context, v => v < 0 ? alpha * v : v)];
            }
            case "Elu":
            {
                double alpha = node.GetFloat("alpha", 1f);
                return [Map(node, x, context, v => v < 0 ? alpha * (System.Math.Exp(v) - 1) : v)];
            }
            case "Selu":
            {
                double alpha = node.GetFloat("alpha", 1.67326319217681884765625f);
                double gamma = node.GetFloat("gamma", 1.05070102214813232421875f);
                return [Map(node, x, context, v => v > 0 ? gamma * v : gamma * (alpha * System.Math.Exp(v) - alpha))];
            }
            case "HardSigmoid":
            {
                double alpha = node.GetFloat("alpha", 0.2f);
                double beta = node.GetFloat("beta", 0.5f);
                // In float as the reference does: alpha*x+beta rounded to float before clamping.
                return [Map(node, x, context, v => System.Math.Max(0, System.Math.Min(1, (float)(alpha * v) + (float)beta)))];
            }
            default: throw new NotSupportedException(node.OpType);
        }
    }

    private static Tensor LeakyRelu(float[] x, float alpha, int[] shape)
    {
        var r = new float[x.Length];
        for (int i = 0; i < r.Length; i++) r[i] = x[i] < 0 ? alpha * x[i] : x[i];
        return new Tensor(DataType.Float, (int[])shape.Clone(), r);
    }

    /// <summary>f applied to every element of a floating tensor, computed in double.</summary>
    internal static Tensor Map(Node node, Tensor x, OperatorContext context, Func<double, double> f)
    {
        Array data = x.Data switch
        {
            float[] a => MapArray(a, context, f),
            double[] a => MapArray(a, context, f),
            Half[] a => MapArray(a, context, f),
            BFloat16[] a => Array.ConvertAll(MapArray(Array.ConvertAll(a, b => b.ToSingle()), context, f), BFloat16.FromSingle),
            _ => throw KernelInputs.Unsupported(node, x),
        };
        return new Tensor(x.Type, (int[])x.Shape.Clone(), data);
    }

    private static T[] MapArray<T>(T[] a, OperatorContext context, Func<double, double> f) where T : System.Numerics.INumberBase<T>
    {
        var r = new T[a.Length];
        Elementwise.For(a.Length, context, (s, e) =>
        {
            for (int i = s; i < e; i++) r[i] = Num.FromDouble<T>(f(Num.ToDouble(a[i])));
        });
        return r;
    }
}
