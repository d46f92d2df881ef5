using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>
/// Softmax and LogSoftmax. Before opset 13 the input is seen as a 2-D matrix split at
/// <c>axis</c> (default 1) and each row of prod(shape[axis:]) elements is normalised; from 13 the
/// function runs along the one axis <c>axis</c> (default -1).
/// Exponentials and sums are computed in double, after subtracting the row maximum.
/// </summary>
[OnnxOperator("Softmax")]
[OnnxOperator("LogSoftmax")]
public sealed class SoftmaxKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = KernelInputs.Required(node, inputs, 0);
        bool log = node.OpType == "LogSoftmax";
        int rank = x.Rank;
        int outer, n, inner;
        if (context.Opset < 13)
        {
            int axis = rank == 0 ? 0 : TensorShape.Axis(node.GetInt("axis", 1), rank);
            outer = Product(x.Shape, 0, axis);
            n = Product(x.Shape, axis, rank);
            inner = 1;
        }
        else
        {
            int axis = rank == 0 ? 0 : TensorShape.Axis(node.GetInt("axis", -1), rank);
            outer = Product(x.Shape, 0, axis);
            n = rank == 0 ? 1 : x.Shape[axis];
            inner = Product(x.Shape, axis + 1, rank);
        }
        return
        [
            x.Data switch
            {
                float[] a => new Tensor(x.Type, (int[])x.Shape.Clone(), Compute(a, outer, n, inner, log, context)),
                double[] a => new Tensor(x.Type, (int[])x.Shape.Clone(), Compute(a, outer, n, inner, log, context)),
                Half[] a => new Tensor(x.Type, (int[])x.Shape.Clone(), Compute(a, outer, n, inner, log, context)),
                _ => throw KernelInputs.Unsupported(node, x),
            },
        ];
    }

    private static int Product(int[] shape, int from, int to)
    {
        int p = 1;
        for (int i = from; i < to; i++) p *= shape[i];
        return p;
    }

    internal static T[] Compute<T>(T[] x, int outer, int n, int inner, bool log, OperatorContext context) where T : IFloatingPointIeee754<T>
    {
        var r = new T[x.Length];
        if (x.Length == 0) return r;
        int rows = outer * inner;
        Elementwise.For(rows, context, (s, e) =>
        {
            for (int row = s; row < e; row++)
            {
                int o = row / inner, i = row % inner;
                int start = o * n * inner + i;
                if (inner == 1) Row(x.AsSpan(start, n), r.AsSpan(start, n), log);
                else StridedRow(x, r, start, n, inner, log);
            }
        }, itemCost: n);
        return r;
    }

    /// <summary>One contiguous row: the common case (last axis).</summary>
    internal static void Row<T>(ReadOnlySpan<T> x, Span<T> r, bool log) where T : IFloatingPointIeee754<T>
    {
        if (x.Length == 0) return;
        double max = Max(x);
        double sum = 0;
        if (log)
        {
            for (int j = 0; j < x.Length; j++) sum += System.Math.Exp(Num.ToDouble(x[j]) - max);
            double lse = max + System.Math.Log(sum);
            for (int j = 0; j < x.Length; j++) r[j] = Num.FromDouble<T>(Num.ToDouble(x[j]) - lse);
            return;
        }
        Span<double> e = x.Length <= 4096 ? stackalloc double[x.Length] : new double[x.Length];
        for (int j = 0; j < x.Length; j++) sum += e[j] = System.Math.Exp(Num.ToDouble(x[j]) - max);
        double inv = 1 / sum;
        for (int j = 0; j < x.Length; j++) r[j] = Num.FromDouble<T>(e[j] * inv);
    }

    private static double Max<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && Vector512.IsHardwareAccelerated && x.Length >= 2 * Vector512<float>.Count)
        {
            var f = MemoryMarshal.CreateReadOnlySpan(ref System.Runtime.CompilerServices.Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x)), x.Length);
            var m = Vector512.Create(float.NegativeInfinity);
            int j = 0;
            for (; j <= f.Length - Vector512<float>.Count; j += Vector512<float>.Count)
                m = Vector512.Max(m, Vector512.Create(f.Slice(j, Vector512<float>.Count)));
            float best = float.NegativeInfinity;
            for (int k = 0; k < Vector512<float>.Count; k++) best = System.Math.Max(best, m.GetElement(k));
            for (; j < f.Length; j++) best = System.Math.Max(best, f[j]);
            return best;
        }
        double b = double.NegativeInfinity;
        foreach (var v in x) b = System.Math.Max(b, Num.ToDouble(v));
        return b;
    }

    private static void StridedRow<T>(T[] x, T[] r, int start, int n, int stride, bool log) where T : IFloatingPointIeee754<T>
    {
        double max = double.NegativeInfinity;
        for (int j = 0, k = start; j < n; j++, k += stride) max = System.Math.Max(max, Num.ToDouble(x[k]));
        double sum = 0;
        for (int j = 0, k = start; j < n; j++, k += stride) sum += System.Math.Exp(Num.ToDouble(x[k]) - max);
        if (log)
        {
            double lse = max + System.Math.Log(sum);
            for (int j = 0, k = start; j < n; j++, k += stride) r[k] = Num.FromDouble<T>(Num.ToDouble(x[k]) - lse);
        }
        else
        {
            double inv = 1 / sum;
            for (int j = 0, k = start; j < n; j++, k += stride) r[k] = Num.FromDouble<T>(System.Math.Exp(Num.ToDouble(x[k]) - max) * inv);
        }
    }
}
