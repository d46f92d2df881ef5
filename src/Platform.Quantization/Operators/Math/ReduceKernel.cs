using System.Numerics;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>
/// The Reduce* family. Axes are an attribute before opset 18 (ReduceSum: before 13) and an optional
/// int64 input from then on; no axes means all axes, unless noop_with_empty_axes=1 (input form),
/// which returns the input. keepdims (default 1) keeps reduced dims as 1. Floating inputs
/// accumulate in double, signed integers in int64, unsigned in uint64.
/// </summary>
[OnnxOperator("ReduceMean")]
[OnnxOperator("ReduceSum")]
[OnnxOperator("ReduceMax")]
[OnnxOperator("ReduceMin")]
[OnnxOperator("ReduceProd")]
[OnnxOperator("ReduceSumSquare")]
[OnnxOperator("ReduceL1")]
[OnnxOperator("ReduceL2")]
[OnnxOperator("ReduceLogSum")]
[OnnxOperator("ReduceLogSumExp")]
public sealed class ReduceKernel : IOperatorKernel
{
    internal enum Kind { Sum, Mean, Max, Min, Prod, SumSquare, L1, L2, LogSum, LogSumExp }

    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = KernelInputs.Required(node, inputs, 0);
        var kind = node.OpType switch
        {
            "ReduceMean" => Kind.Mean,
            "ReduceSum" => Kind.Sum,
            "ReduceMax" => Kind.Max,
            "ReduceMin" => Kind.Min,
            "ReduceProd" => Kind.Prod,
            "ReduceSumSquare" => Kind.SumSquare,
            "ReduceL1" => Kind.L1,
            "ReduceL2" => Kind.L2,
            "ReduceLogSum" => Kind.LogSum,
            "ReduceLogSumExp" => Kind.LogSumExp,
            _ => throw new NotSupportedException(node.OpType),
        };
        bool axesAsInput = context.Opset >= (kind == Kind.Sum ? 13 : 18);
        long[]? axes = axesAsInput
            ? KernelInputs.Optional(inputs, 1)?.ToInt64Array() ?? node.GetInts("axes")
            : node.GetInts("axes") ?? KernelInputs.Optional(inputs, 1)?.ToInt64Array();
        bool keepdims = node.GetInt("keepdims", 1) != 0;
        if ((axes is null || axes.Length == 0) && axesAsInput && node.GetInt("noop_with_empty_axes", 0) != 0)
            return [x];

        var reduced = new bool[x.Rank];
        if (axes is null || axes.Length == 0) Array.Fill(reduced, true);
        else
            foreach (var a in axes)
            {
                if (a < -x.Rank || a >= x.Rank)
                    throw new ArgumentException($"{node.Describe()}: axis {a} is out of range for input {TensorShape.Format(x.Shape)}.");
                reduced[a < 0 ? a + x.Rank : a] = true;
            }
        return
        [
            x.Data switch
            {
                float[] => Reduce<float, double>(x, reduced, keepdims, kind),
                double[] => Reduce<double, double>(x, reduced, keepdims, kind),
                Half[] => Reduce<Half, double>(x, reduced, keepdims, kind),
                sbyte[] => Reduce<sbyte, long>(x, reduced, keepdims, kind),
                short[] => Reduce<short, long>(x, reduced, keepdims, kind),
                int[] => Reduce<int, long>(x, reduced, keepdims, kind),
                long[] => Reduce<long, long>(x, reduced, keepdims, kind),
                byte[] => Reduce<byte, ulong>(x, reduced, keepdims, kind),
                ushort[] => Reduce<ushort, ulong>(x, reduced, keepdims, kind),
                uint[] => Reduce<uint, ulong>(x, reduced, keepdims, kind),
                ulong[] => Reduce<ulong, ulong>(x, reduced, keepdims, kind),
                _ => throw KernelInputs.Unsupported(node, x),
            },
        ];
    }

    internal static Tensor Reduce<T, TAcc>(Tensor x, bool[] reduced, bool keepdims, Kind kind)
        where T : INumber<T> where TAcc : INumber<TAcc>, IMinMaxValue<TAcc>
    {
        var src = (T[])x.Data;
        var kept = new int[x.Rank];
        var outShape = new List<int>(x.Rank);
        long count = 1;
        for (int d = 0; d < x.Rank; d++)
        {
            kept[d] = reduced[d] ? 1 : x.Shape[d];
            if (reduced[d]) count *= x.Shape[d];
            if (!reduced[d] || keepdims) outShape.Add(kept[d]);
        }
        var acc = new TAcc[TensorShape.ElementCount(kept)];
        TAcc init = kind switch
        {
            Kind.Prod => TAcc.One,
            Kind.Max => IsFloating<TAcc>() ? Num.FromDouble<TAcc>(double.NegativeInfinity) : TAcc.MinValue,
            Kind.Min => IsFloating<TAcc>() ? Num.FromDouble<TAcc>(double.PositiveInfinity) : TAcc.MaxValue,
            _ => TAcc.Zero,
        };
        Array.Fill(acc, init);
        if (src.Length > 0)
        {
            var layout = new BroadcastLayout(x.Shape, kept);
            int stride = layout.InnerStride(1);
            layout.ForEachRun(0, src.Length, stackalloc int[2], (o, offs, len) =>
            {
                int a = offs[1];
                if (stride == 0) acc[a] = Fold(kind, acc[a], src.AsSpan(o, len));
                else
                    for (int i = 0; i < len; i++) acc[a + i] = Combine(kind, acc[a + i], src[o + i]);
            });
        }
        var r = new T[acc.Length];
        for (int i = 0; i < r.Length; i++)
        {
            TAcc v = acc[i];
            r[i] = kind switch
            {
                Kind.Mean => IsFloating<TAcc>()
                    ? Num.FromDouble<T>(Num.ToDouble(v) / count)
                    : T.CreateTruncating(count == 0 ? v : v / TAcc.CreateTruncating(count)),
                Kind.L2 => Num.FromDouble<T>(System.Math.Sqrt(Num.ToDouble(v))),
                Kind.LogSum or Kind.LogSumExp => Num.FromDouble<T>(System.Math.Log(Num.ToDouble(v))),
                _ => IsFloating<TAcc>() ? Num.FromDouble<T>(Num.ToDouble(v)) : T.CreateTruncating(v),
            };
        }
        return new Tensor(x.Type, [.. outShape], r);
    }

    private static bool IsFloating<TAcc>() => typeof(TAcc) == typeof(double);

    private static TAcc Fold<T, TAcc>(Kind kind, TAcc a, ReadOnlySpan<T> v) where T : INumber<T> where TAcc : INumber<TAcc>
    {
        switch (kind)
        {
            case Kind.Sum or Kind.Mean or Kind.LogSum:
                foreach (var e in v) a += TAcc.CreateTruncating(e);
                return a;
            case Kind.SumSquare or Kind.L2:
                foreach (var e in v) { var t = TAcc.CreateTruncating(e); a += t * t; }
                return a;
            default:
                foreach (var e in v) a = Combine(kind, a, e);
                return a;
        }
    }

    private static TAcc Combine<T, TAcc>(Kind kind, TAcc a, T value) where T : INumber<T> where TAcc : INumber<TAcc>
    {
        var v = TAcc.CreateTruncating(value);
        return kind switch
        {
            Kind.Sum or Kind.Mean or Kind.LogSum => a + v,
            Kind.SumSquare or Kind.L2 => a + v * v,
            Kind.L1 => a + TAcc.Abs(v),
            Kind.Prod => a * v,
            Kind.Max => T.IsNaN(value) ? v : TAcc.Max(a, v),
            Kind.Min => T.IsNaN(value) ? v : TAcc.Min(a, v),
            Kind.LogSumExp => a + Num.FromDouble<TAcc>(System.Math.Exp(Num.ToDouble(v))),
            _ => throw new NotSupportedException(kind.ToString()),
        };
    }
}
