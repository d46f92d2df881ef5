using System.Numerics;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>ArgMax / ArgMin along axis (default 0): int64 indices; keepdims (default 1); select_last_index picks the last of ties.</summary>
[OnnxOperator("ArgMax")]
[OnnxOperator("ArgMin")]
public sealed class ArgExtremumKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = KernelInputs.Required(node, inputs, 0);
        int axis = TensorShape.Axis(node.GetInt("axis", 0), x.Rank);
        bool keepdims = node.GetInt("keepdims", 1) != 0;
        bool last = node.GetInt("select_last_index", 0) != 0;
        bool max = node.OpType == "ArgMax";
        int outer = 1, inner = 1, n = x.Rank == 0 ? 1 : x.Shape[axis];
        for (int i = 0; i < axis; i++) outer *= x.Shape[i];
        for (int i = axis + 1; i < x.Rank; i++) inner *= x.Shape[i];
        if (n == 0) throw new ArgumentException($"{node.Describe()}: axis {axis} of {TensorShape.Format(x.Shape)} is empty.");
        var shape = new List<int>();
        for (int i = 0; i < x.Rank; i++)
            if (i != axis) shape.Add(x.Shape[i]);
            else if (keepdims) shape.Add(1);
        var r = x.Data switch
        {
            float[] a => Find(a, outer, n, inner, max, last),
            double[] a => Find(a, outer, n, inner, max, last),
            Half[] a => Find(a, outer, n, inner, max, last),
            sbyte[] a => Find(a, outer, n, inner, max, last),
            byte[] a => Find(a, outer, n, inner, max, last),
            short[] a => Find(a, outer, n, inner, max, last),
            ushort[] a => Find(a, outer, n, inner, max, last),
            int[] a => Find(a, outer, n, inner, max, last),
            uint[] a => Find(a, outer, n, inner, max, last),
            long[] a => Find(a, outer, n, inner, max, last),
            ulong[] a => Find(a, outer, n, inner, max, last),
            _ => throw KernelInputs.Unsupported(node, x),
        };
        return [new Tensor(DataType.Int64, [.. shape], r)];
    }

    private static long[] Find<T>(T[] x, int outer, int n, int inner, bool max, bool last) where T : INumber<T>
    {
        var r = new long[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int baseIndex = o * n * inner + i;
                T best = x[baseIndex];
                int bestJ = 0;
                for (int j = 1; j < n; j++)
                {
                    T v = x[baseIndex + j * inner];
                    bool better = max
                        ? (last ? v >= best : v > best)
                        : (last ? v <= best : v < best);
                    if (better) { best = v; bestJ = j; }
                }
                r[o * inner + i] = bestJ;
            }
        return r;
    }
}
