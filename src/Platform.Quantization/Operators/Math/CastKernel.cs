using System.Globalization;
using System.Numerics;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>
/// Cast (attribute "to") and CastLike (the second input's type). Between numeric types as C++'s
/// static_cast does in ONNX Runtime: floating to integer truncates toward zero, integer to
/// narrower integer wraps, anything to bool is "not zero". bfloat16 rounds to nearest even.
/// </summary>
[OnnxOperator("Cast")]
[OnnxOperator("CastLike")]
public sealed class CastKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = KernelInputs.Required(node, inputs, 0);
        DataType to = node.OpType == "CastLike"
            ? KernelInputs.Required(node, inputs, 1).Type
            : node.HasAttribute("to") ? (DataType)node.GetInt("to", 0) : throw new ArgumentException($"{node.Describe()} has no 'to' attribute.");
        return [Convert(x, to)];
    }

    /// <summary>The tensor converted to <paramref name="to"/> (a copy; the same data when the type already matches).</summary>
    public static Tensor Convert(Tensor x, DataType to)
    {
        if (x.Type == to) return x;
        var shape = (int[])x.Shape.Clone();
        Array data = to switch
        {
            DataType.Float => To<float>(x),
            DataType.Double => To<double>(x),
            DataType.Float16 => To<Half>(x),
            DataType.Int8 => To<sbyte>(x),
            DataType.UInt8 => To<byte>(x),
            DataType.Int16 => To<short>(x),
            DataType.UInt16 => To<ushort>(x),
            DataType.Int32 => To<int>(x),
            DataType.UInt32 => To<uint>(x),
            DataType.Int64 => To<long>(x),
            DataType.UInt64 => To<ulong>(x),
            DataType.Bool => ToBool(x),
            DataType.BFloat16 => Array.ConvertAll(To<float>(x), BFloat16.FromSingle),
            DataType.String => ToStrings(x),
            _ => throw new NotSupportedException($"Cast to {to} is not supported."),
        };
        return new Tensor(to, shape, data);
    }

    private static TTo[] To<TTo>(Tensor x) where TTo : INumberBase<TTo> => x.Data switch
    {
        float[] a => Map<float, TTo>(a),
        double[] a => Map<double, TTo>(a),
        Half[] a => Map<Half, TTo>(a),
        sbyte[] a => Map<sbyte, TTo>(a),
        byte[] a => Map<byte, TTo>(a),
        short[] a => Map<short, TTo>(a),
        ushort[] a => Map<ushort, TTo>(a),
        int[] a => Map<int, TTo>(a),
        uint[] a => Map<uint, TTo>(a),
        long[] a => Map<long, TTo>(a),
        ulong[] a => Map<ulong, TTo>(a),
        bool[] a => Array.ConvertAll(a, b => b ? TTo.One : TTo.Zero),
        BFloat16[] a => Map<float, TTo>(Array.ConvertAll(a, b => b.ToSingle())),
        string[] a => Map<double, TTo>(Array.ConvertAll(a, ParseNumber)),
        _ => throw new NotSupportedException($"Cast from {x.Type} is not supported."),
    };

    private static TTo[] Map<TFrom, TTo>(TFrom[] a) where TFrom : INumberBase<TFrom> where TTo : INumberBase<TTo>
    {
        var r = new TTo[a.Length];
        // CreateTruncating is static_cast's rule: floating to integer drops the fraction, integer to
        // narrower integer keeps the low bits.
        for (int i = 0; i < a.Length; i++) r[i] = TTo.CreateTruncating(a[i]);
        return r;
    }

    private static bool[] ToBool(Tensor x) => x.Data switch
    {
        string[] a => Array.ConvertAll(a, s => ParseNumber(s) != 0),
        BFloat16[] a => Array.ConvertAll(a, b => b.ToSingle() != 0),
        _ => Enumerable.Range(0, x.Length).Select(i => x.GetDouble(i) != 0).ToArray(),
    };

    private static double ParseNumber(string s)
    {
        var t = s.Trim();
        if (t.Equals("inf", StringComparison.OrdinalIgnoreCase) || t.Equals("+inf", StringComparison.OrdinalIgnoreCase) || t.Equals("infinity", StringComparison.OrdinalIgnoreCase)) return double.PositiveInfinity;
        if (t.Equals("-inf", StringComparison.OrdinalIgnoreCase) || t.Equals("-infinity", StringComparison.OrdinalIgnoreCase)) return double.NegativeInfinity;
        if (t.Equals("nan", StringComparison.OrdinalIgnoreCase)) return double.NaN;
        return double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static string[] ToStrings(Tensor x) => x.Data switch
    {
        float[] a => Array.ConvertAll(a, v => FormatFloat(v)),
        double[] a => Array.ConvertAll(a, v => FormatFloat(v)),
        Half[] a => Array.ConvertAll(a, v => FormatFloat((float)v)),
        bool[] a => Array.ConvertAll(a, v => v ? "1" : "0"),
        _ => Enumerable.Range(0, x.Length).Select(i => System.Convert.ToString(x.Data.GetValue(i), CultureInfo.InvariantCulture) ?? "").ToArray(),
    };

    private static string FormatFloat(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "INF" : double.IsNegativeInfinity(v) ? "-INF" : v.ToString("R", CultureInfo.InvariantCulture);
}
