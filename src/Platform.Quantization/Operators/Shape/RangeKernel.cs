using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>ONNX Range (11): start, start+delta, ... while before limit; count = max(ceil((limit-start)/delta), 0).</summary>
[OnnxOperator("Range")]
public sealed class RangeKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var start = ShapeArgs.Required(node, inputs, 0, "start");
        var limit = ShapeArgs.Required(node, inputs, 1, "limit");
        var delta = ShapeArgs.Required(node, inputs, 2, "delta");
        foreach (var (t, name) in new[] { (start, "start"), (limit, "limit"), (delta, "delta") })
            if (t.Length != 1) throw new ShapeMismatchException($"Range: {name} must be a scalar, not {TensorShape.Format(t.Shape)}.");
        if (limit.Type != start.Type || delta.Type != start.Type)
            throw new ArgumentException($"Range: start, limit and delta must share a type (got {start.Type}, {limit.Type}, {delta.Type}).");
        switch (start.Data)
        {
            case float[] s:
            {
                float st = s[0], d = ((float[])delta.Data)[0];
                int n = Count(Math.Ceiling(((double)((float[])limit.Data)[0] - st) / d), d == 0);
                var r = new float[n];
                for (int i = 0; i < n; i++) r[i] = st + i * d;
                return [Tensor.FromArray(r, n)];
            }
            case double[] s:
            {
                double st = s[0], d = ((double[])delta.Data)[0];
                int n = Count(Math.Ceiling((((double[])limit.Data)[0] - st) / d), d == 0);
                var r = new double[n];
                for (int i = 0; i < n; i++) r[i] = st + i * d;
                return [Tensor.FromArray(r, n)];
            }
            case long[] or int[] or short[] or sbyte[] or byte[] or ushort[] or uint[]:
            {
                long st = start.GetInt64(0), lim = limit.GetInt64(0), d = delta.GetInt64(0);
                if (d == 0) Count(0, true);
                Int128 span = (Int128)lim - st;
                Int128 q = span / d;
                if (q * d != span) q++;
                int n = Count((double)q, false);
                var values = new long[n];
                for (int i = 0; i < n; i++) values[i] = st + i * d;
                var t = Tensor.Zeros(start.Type, n);
                for (int i = 0; i < n; i++) SetInteger(t.Data, i, values[i]);
                return [t];
            }
            default: throw new NotSupportedException($"Range: {start.Type} is not supported.");
        }
    }

    private static int Count(double n, bool zeroDelta)
    {
        if (zeroDelta) throw new ArgumentException("Range: delta is 0.");
        if (double.IsNaN(n)) throw new ArgumentException("Range: start, limit or delta is NaN.");
        if (n > TensorShape.MaxElements) throw new ShapeMismatchException($"Range: {n:g4} elements are more than one tensor can hold.");
        return n <= 0 ? 0 : (int)n;
    }

    private static void SetInteger(Array a, int i, long v)
    {
        switch (a)
        {
            case long[] x: x[i] = v; break;
            case int[] x: x[i] = (int)v; break;
            case short[] x: x[i] = (short)v; break;
            case sbyte[] x: x[i] = (sbyte)v; break;
            case byte[] x: x[i] = (byte)v; break;
            case ushort[] x: x[i] = (ushort)v; break;
            case uint[] x: x[i] = (uint)v; break;
        }
    }
}
