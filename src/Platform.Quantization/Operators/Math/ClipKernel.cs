using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>
/// Clip. Before opset 11 the bounds are float attributes min/max (float types only); from 11 they
/// are optional scalar inputs of the input's type (every numeric type from 12). A missing bound is
/// no bound; when min &gt; max every element becomes max, as the spec says.
/// </summary>
[OnnxOperator("Clip")]
public sealed class ClipKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = KernelInputs.Required(node, inputs, 0);
        if (context.Opset < 11)
        {
            double lo = node.HasAttribute("min") ? node.GetFloat("min", 0) : double.NegativeInfinity;
            double hi = node.HasAttribute("max") ? node.GetFloat("max", 0) : double.PositiveInfinity;
            if (x.Data is float[] f) return [ClipFloat(f, (float)lo, (float)hi, x.Shape, context)];
            return [ActivationKernel.Map(node, x, context, v => Clamp(v, lo, hi))];
        }
        var min = KernelInputs.Optional(inputs, 1);
        var max = KernelInputs.Optional(inputs, 2);
        foreach (var bound in new[] { min, max })
        {
            if (bound is null) continue;
            if (bound.Length != 1)
                throw new ArgumentException($"{node.Describe()}: min and max must be scalars, got {TensorShape.Format(bound.Shape)}.");
            KernelInputs.SameType(node, x, bound);
        }
        return
        [
            x.Data switch
            {
                float[] f => ClipFloat(f, min is null ? float.NegativeInfinity : min.Floats[0], max is null ? float.PositiveInfinity : max.Floats[0], x.Shape, context),
                double[] => Clip<double>(x, min, max, double.NegativeInfinity, double.PositiveInfinity),
                Half[] => Clip<Half>(x, min, max, Half.NegativeInfinity, Half.PositiveInfinity),
                sbyte[] => Clip<sbyte>(x, min, max, sbyte.MinValue, sbyte.MaxValue),
                byte[] => Clip<byte>(x, min, max, byte.MinValue, byte.MaxValue),
                short[] => Clip<short>(x, min, max, short.MinValue, short.MaxValue),
                ushort[] => Clip<ushort>(x, min, max, ushort.MinValue, ushort.MaxValue),
                int[] => Clip<int>(x, min, max, int.MinValue, int.MaxValue),
                uint[] => Clip<uint>(x, min, max, uint.MinValue, uint.MaxValue),
                long[] => Clip<long>(x, min, max, long.MinValue, long.MaxValue),
                ulong[] => Clip<ulong>(x, min, max, ulong.MinValue, ulong.MaxValue),
                _ => throw KernelInputs.Unsupported(node, x),
            },
        ];
    }

    private static double Clamp(double v, double lo, double hi)
    {
        if (v < lo) v = lo;
        return v > hi ? hi : v;
    }

    private static Tensor Clip<T>(Tensor x, Tensor? min, Tensor? max, T lowest, T highest) where T : INumber<T>
    {
        T lo = min is null ? lowest : ((T[])min.Data)[0];
        T hi = max is null ? highest : ((T[])max.Data)[0];
        var src = (T[])x.Data;
        var r = new T[src.Length];
        for (int i = 0; i < r.Length; i++)
        {
            T v = src[i] < lo ? lo : src[i];
            r[i] = v > hi ? hi : v;
        }
        return new Tensor(x.Type, (int[])x.Shape.Clone(), r);
    }

    internal static Tensor ClipFloat(float[] src, float lo, float hi, int[] shape, OperatorContext context)
    {
        var r = new float[src.Length];
        Elementwise.For(src.Length, context, (s, e) => ClipSpan(src.AsSpan(s, e - s), lo, hi, r.AsSpan(s, e - s)));
        return new Tensor(DataType.Float, (int[])shape.Clone(), r);
    }

    /// <summary>NaN passes through (comparisons with NaN are false), as in the scalar form.</summary>
    internal static void ClipSpan(ReadOnlySpan<float> x, float lo, float hi, Span<float> r)
    {
        int i = 0, n = r.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pr = ref MemoryMarshal.GetReference(r);
        if (Vector512.IsHardwareAccelerated)
        {
            var vlo = Vector512.Create(lo);
            var vhi = Vector512.Create(hi);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var v = Vector512.LoadUnsafe(ref px, (nuint)i);
                v = Vector512.ConditionalSelect(Vector512.LessThan(v, vlo), vlo, v);
                Vector512.ConditionalSelect(Vector512.GreaterThan(v, vhi), vhi, v).StoreUnsafe(ref pr, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var vlo = Vector256.Create(lo);
            var vhi = Vector256.Create(hi);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref px, (nuint)i);
                v = Vector256.ConditionalSelect(Vector256.LessThan(v, vlo), vlo, v);
                Vector256.ConditionalSelect(Vector256.GreaterThan(v, vhi), vhi, v).StoreUnsafe(ref pr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float v = x[i] < lo ? lo : x[i];
            r[i] = v > hi ? hi : v;
        }
    }
}
