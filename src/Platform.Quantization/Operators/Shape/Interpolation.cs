using System.Numerics;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// Resize's arithmetic, after the ONNX reference: each output coordinate maps back to an input
/// coordinate per axis; nearest picks one input index, linear and cubic weight 2 or 4 edge-clamped
/// neighbours. Interpolation is separable, so linear/cubic run one axis at a time (the reference
/// recurses the same way); nearest is a single exact gather for every element type.
/// </summary>
internal static class Interpolation
{
    public static Tensor Resize(Tensor x, int[] outShape, double[] scales, double[]? roi, ResizeSettings s)
    {
        int rank = x.Rank;
        if (s.Mode == "nearest")
        {
            var maps = new int[rank][];
            for (int a = 0; a < rank; a++)
            {
                maps[a] = new int[outShape[a]];
                for (int j = 0; j < outShape[a]; j++)
                {
                    double xo = Original(j, scales[a], x.Shape[a], outShape[a], s, roi, a, rank);
                    maps[a][j] = OutOfRoi(xo, x.Shape[a], s) ? -1 : NearestIndex(xo, x.Shape[a], scales[a], s.NearestMode);
                }
            }
            var dst = Elements.Allocate(x.Type, TensorShape.ElementCount(outShape));
            if (dst.Length > 0)
            {
                var fill = Elements.ScalarOf(x.Type, s.ExtrapolationValue);
                var action = new AxisMapGather { Src = x.Data, Dst = dst, InShape = x.Shape, OutShape = outShape, Maps = maps, Fill = fill };
                Elements.Dispatch(x.Type, ref action);
            }
            return new Tensor(x.Type, outShape, dst);
        }
        if (s.Mode is not ("linear" or "cubic"))
            throw new NotSupportedException($"Resize: mode '{s.Mode}' is not supported (nearest, linear, cubic).");
        if (x.Type == DataType.Double)
            return new Tensor(DataType.Double, outShape, Separable((double[])x.Data, x.Shape, outShape, scales, roi, s));
        if (x.Type is DataType.String or DataType.Bool)
            throw new NotSupportedException($"Resize: {s.Mode} mode cannot interpolate {x.Type} tensors.");
        var r = Separable(x.ToFloatArray(), x.Shape, outShape, scales, roi, s);
        return new Tensor(x.Type, outShape, FromFloats(x.Type, r));
    }

    /// <summary>Input coordinate of output index j on one axis.</summary>
    internal static double Original(int j, double scale, int inLen, int outLen, ResizeSettings s, double[]? roi, int axis, int rank)
    {
        // The reference measures the resized axis as scale * input length, which differs from the
        // integer output length when the scale does not divide evenly (align_corners depends on it).
        double outWidth = scale * inLen;
        switch (s.CoordinateMode)
        {
            case "half_pixel": return (j + 0.5) / scale - 0.5;
            case "half_pixel_symmetric":
            {
                double adjustment = outLen / outWidth;
                double offset = inLen / 2.0 * (1 - adjustment);
                return offset + (j + 0.5) / scale - 0.5;
            }
            case "pytorch_half_pixel": return outLen > 1 ? (j + 0.5) / scale - 0.5 : 0;
            case "align_corners": return outLen == 1 || outWidth == 1 ? 0 : j * (inLen - 1) / (outWidth - 1);
            case "asymmetric": return j / scale;
            case "tf_half_pixel_for_nn": return (j + 0.5) / scale;
            case "tf_crop_and_resize":
            {
                if (roi is null || roi.Length != 2 * rank)
                    throw new ArgumentException($"Resize: tf_crop_and_resize needs roi with {2 * rank} values, got {roi?.Length ?? 0}.");
                double start = roi[axis], end = roi[axis + rank];
                return outLen > 1
                    ? start * (inLen - 1) + j * (end - start) * (inLen - 1) / (outLen - 1)
                    : 0.5 * (start + end) * (inLen - 1);
            }
            default: throw new NotSupportedException($"Resize: coordinate_transformation_mode '{s.CoordinateMode}' is not supported.");
        }
    }

    private static bool OutOfRoi(double xo, int inLen, ResizeSettings s) =>
        s.CoordinateMode == "tf_crop_and_resize" && (xo < 0 || xo > inLen - 1);

    internal static int NearestIndex(double xo, int inLen, double scale, string mode)
    {
        double f = Math.Floor(xo), frac = xo - f;
        double r = mode switch
        {
            "round_prefer_floor" => frac <= 0.5 ? f : f + 1,
            "round_prefer_ceil" => frac < 0.5 ? f : f + 1,
            "floor" => f,
            "ceil" => Math.Ceiling(xo),
            "simple" => scale < 1 ? Math.Ceiling(xo) : Math.Truncate(xo),
            _ => throw new NotSupportedException($"Resize: nearest_mode '{mode}' is not supported."),
        };
        return (int)Math.Clamp(r, 0, inLen - 1);
    }

    private static T[] Separable<T>(T[] data, int[] inShape, int[] outShape, double[] scales, double[]? roi, ResizeSettings s)
        where T : unmanaged, IFloatingPoint<T>
    {
        int rank = inShape.Length;
        var cur = (int[])inShape.Clone();
        // Shrinking axes first keeps the intermediate tensors small.
        var order = Enumerable.Range(0, rank).OrderBy(a => (double)outShape[a] / Math.Max(inShape[a], 1)).ToArray();
        foreach (int a in order)
        {
            bool identity = outShape[a] == inShape[a] && scales[a] == 1 && s.CoordinateMode != "tf_crop_and_resize";
            if (identity) continue;
            if (inShape[a] == 0 && outShape[a] > 0)
                throw new ShapeMismatchException($"Resize: axis {a} of input {TensorShape.Format(inShape)} is empty and cannot be resized to {outShape[a]}.");
            data = Pass(data, cur, a, outShape[a], scales[a], roi, s);
            cur[a] = outShape[a];
        }
        return data;
    }

    /// <summary>Resizes one axis: every output index is a weighted sum of 2 (linear) or 4 (cubic) input slices.</summary>
    private static T[] Pass<T>(T[] src, int[] shape, int axis, int outLen, double scale, double[]? roi, ResizeSettings s)
        where T : unmanaged, IFloatingPoint<T>
    {
        int inLen = shape[axis];
        int taps = s.Mode == "cubic" ? 4 : 2;
        var idx = new int[outLen * taps];
        var w = new T[outLen * taps];
        var outside = new bool[outLen];
        Span<double> c = stackalloc double[4];
        for (int j = 0; j < outLen; j++)
        {
            double xo = Original(j, scale, inLen, outLen, s, roi, axis, shape.Length);
            if (OutOfRoi(xo, inLen, s)) { outside[j] = true; continue; }
            double f = Math.Floor(xo), t = xo - f;
            int first = (int)f - (taps == 4 ? 1 : 0);
            if (taps == 2) { c[0] = 1 - t; c[1] = t; }
            else CubicCoefficients(t, s.CubicA, c);
            double sum = 0;
            for (int k = 0; k < taps; k++)
            {
                int i = first + k;
                if (s.ExcludeOutside && (i < 0 || i >= inLen)) c[k] = 0;
                sum += c[k];
            }
            for (int k = 0; k < taps; k++)
            {
                idx[j * taps + k] = Math.Clamp(first + k, 0, inLen - 1);
                w[j * taps + k] = T.CreateChecked(s.ExcludeOutside ? c[k] / sum : c[k]);
            }
        }

        int outer = ShapeArgs.Product(shape, 0, axis), inner = ShapeArgs.Product(shape, axis + 1, shape.Length);
        var dst = new T[(long)outer * outLen * inner];
        T extrapolation = T.CreateChecked(s.ExtrapolationValue);
        for (int o = 0; o < outer; o++)
        {
            int srcBase = o * inLen * inner;
            for (int j = 0; j < outLen; j++)
            {
                var row = dst.AsSpan((o * outLen + j) * inner, inner);
                if (outside[j]) { row.Fill(extrapolation); continue; }
                row.Clear();
                for (int k = 0; k < taps; k++)
                {
                    T wk = w[j * taps + k];
                    if (wk == T.Zero) continue;
                    var from = src.AsSpan(srcBase + idx[j * taps + k] * inner, inner);
                    AddScaled(row, from, wk);
                }
            }
        }
        return dst;
    }

    private static void AddScaled<T>(Span<T> acc, ReadOnlySpan<T> x, T w) where T : unmanaged, IFloatingPoint<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && acc.Length >= Vector<T>.Count)
        {
            var vw = new Vector<T>(w);
            for (; i <= acc.Length - Vector<T>.Count; i += Vector<T>.Count)
                (new Vector<T>(acc[i..]) + new Vector<T>(x[i..]) * vw).CopyTo(acc[i..]);
        }
        for (; i < acc.Length; i++) acc[i] += x[i] * w;
    }

    /// <summary>Keys' cubic convolution weights for the neighbours at distances 1+t, t, 1-t, 2-t.</summary>
    internal static void CubicCoefficients(double t, double a, Span<double> c)
    {
        c[0] = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a;
        c[1] = ((a + 2) * t - (a + 3)) * t * t + 1;
        c[2] = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1;
        c[3] = ((a * (2 - t) - 5 * a) * (2 - t) + 8 * a) * (2 - t) - 4 * a;
    }

    /// <summary>float results back to the tensor's type; integers round to nearest and saturate.</summary>
    private static Array FromFloats(DataType type, float[] v)
    {
        switch (type)
        {
            case DataType.Float: return v;
            case DataType.Float16: return Array.ConvertAll(v, f => (Half)f);
            case DataType.BFloat16: return Array.ConvertAll(v, BFloat16.FromSingle);
        }
        var r = Elements.Allocate(type, v.Length);
        for (int i = 0; i < v.Length; i++)
        {
            double d = Math.Round((double)v[i], MidpointRounding.ToEven);
            switch (r)
            {
                case sbyte[] a: a[i] = (sbyte)Math.Clamp(d, sbyte.MinValue, sbyte.MaxValue); break;
                case byte[] a: a[i] = (byte)Math.Clamp(d, byte.MinValue, byte.MaxValue); break;
                case short[] a: a[i] = (short)Math.Clamp(d, short.MinValue, short.MaxValue); break;
                case ushort[] a: a[i] = (ushort)Math.Clamp(d, ushort.MinValue, ushort.MaxValue); break;
                case int[] a: a[i] = (int)Math.Clamp(d, int.MinValue, int.MaxValue); break;
                case uint[] a: a[i] = (uint)Math.Clamp(d, uint.MinValue, uint.MaxValue); break;
                case long[] a: a[i] = (long)Math.Clamp(d, long.MinValue, long.MaxValue); break;
                case ulong[] a: a[i] = (ulong)Math.Clamp(d, ulong.MinValue, ulong.MaxValue); break;
                default: throw new NotSupportedException($"Resize: cannot produce {type}.");
            }
        }
        return r;
    }
}
