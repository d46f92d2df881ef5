using System.Numerics;
using System.Runtime.CompilerServices;
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
        var r = Separable(ToFloats(x), x.Shape, outShape, scales, roi, s);
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

    /// <summary>Resizes one axis: every output index is a weighted sum of 2 (linear) or 4 (cubic) input slices, more when antialiasing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T[] Pass<T>(T[] src, int[] shape, int axis, int outLen, double scale, double[]? roi, ResizeSettings s)
        where T : unmanaged, IFloatingPoint<T>
    {
        int inLen = shape[axis];
        bool cubic = s.Mode == "cubic";
        // Antialiasing widens the filter by 1/scale when shrinking (the reference's *_coeffs_antialias).
        bool wide = s.Antialias && scale < 1;
        int reach = cubic ? 2 : 1;
        int start = wide ? (int)Math.Floor(-reach / scale) + 1 : 1 - reach;
        int taps = 2 - 2 * start;
        var idx = new int[outLen * taps];
        var w = new T[outLen * taps];
        var outside = new bool[outLen];
        Span<double> c = taps <= 64 ? stackalloc double[taps] : new double[taps];
        for (int j = 0; j < outLen; j++)
        {
            double xo = Original(j, scale, inLen, outLen, s, roi, axis, shape.Length);
            if (OutOfRoi(xo, inLen, s)) { outside[j] = true; continue; }
            double f = Math.Floor(xo), t = xo - f;
            int first = (int)f + start;
            if (wide)
            {
                for (int k = 0; k < taps; k++)
                {
                    double d = Math.Abs(scale * (start + k - t));
                    c[k] = cubic ? CubicKernel(d, s.CubicA) : Math.Max(0, 1 - d);
                }
            }
            else if (!cubic) { c[0] = 1 - t; c[1] = t; }
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
                w[j * taps + k] = T.CreateChecked(s.ExcludeOutside || wide ? c[k] / sum : c[k]);
            }
        }

        int outer = ShapeArgs.Product(shape, 0, axis), inner = ShapeArgs.Product(shape, axis + 1, shape.Length);
        var dst = new T[(long)outer * outLen * inner];
        T extrapolation = T.CreateChecked(s.ExtrapolationValue);
        if (inner == 1)
        {
            // The last axis: one weighted sum per output element, no row spans to slice.
            for (int o = 0; o < outer; o++)
            {
                int srcBase = o * inLen, dstBase = o * outLen;
                for (int j = 0; j < outLen; j++)
                {
                    if (outside[j]) { dst[dstBase + j] = extrapolation; continue; }
                    T acc = T.Zero;
                    for (int k = 0, q = j * taps; k < taps; k++, q++) acc += w[q] * src[srcBase + idx[q]];
                    dst[dstBase + j] = acc;
                }
            }
            return dst;
        }
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    private static double CubicKernel(double d, double a) =>
        d <= 1 ? ((a + 2) * d - (a + 3)) * d * d + 1
        : d < 2 ? ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
        : 0;

    /// <summary>Keys' cubic convolution weights for the neighbours at distances 1+t, t, 1-t, 2-t.</summary>
    internal static void CubicCoefficients(double t, double a, Span<double> c)
    {
        c[0] = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a;
        c[1] = ((a + 2) * t - (a + 3)) * t * t + 1;
        c[2] = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1;
        c[3] = ((a * (2 - t) - 5 * a) * (2 - t) + 8 * a) * (2 - t) - 4 * a;
    }

    /// <summary>Elements as float, by declared type (Tensor.GetDouble reads byte[] as sbyte[] through CLR array casting).</summary>
    private static float[] ToFloats(Tensor x) => x.Type switch
    {
        DataType.Float => (float[])x.Data,
        DataType.Float16 => Array.ConvertAll((Half[])x.Data, h => (float)h),
        DataType.BFloat16 => Array.ConvertAll((BFloat16[])x.Data, b => b.ToSingle()),
        DataType.Int8 => Array.ConvertAll((sbyte[])x.Data, v => (float)v),
        DataType.UInt8 => Array.ConvertAll((byte[])x.Data, v => (float)v),
        DataType.Int16 => Array.ConvertAll((short[])x.Data, v => (float)v),
        DataType.UInt16 => Array.ConvertAll((ushort[])x.Data, v => (float)v),
        DataType.Int32 => Array.ConvertAll((int[])x.Data, v => (float)v),
        DataType.UInt32 => Array.ConvertAll((uint[])x.Data, v => (float)v),
        DataType.Int64 => Array.ConvertAll((long[])x.Data, v => (float)v),
        DataType.UInt64 => Array.ConvertAll((ulong[])x.Data, v => (float)v),
        _ => throw new NotSupportedException($"Resize cannot interpolate {x.Type} tensors."),
    };

    /// <summary>float results back to the tensor's type; integers round to nearest and saturate.</summary>
    private static Array FromFloats(DataType type, float[] v)
    {
        switch (type)
        {
            case DataType.Float: return v;
            case DataType.Float16: return Array.ConvertAll(v, f => (Half)f);
            case DataType.BFloat16: return Array.ConvertAll(v, BFloat16.FromSingle);
        }
        // Switch on the declared type, not the array: the CLR lets byte[] pass as sbyte[] (and ushort[] as short[], ...).
        var r = Elements.Allocate(type, v.Length);
        for (int i = 0; i < v.Length; i++)
        {
            double d = Math.Round((double)v[i], MidpointRounding.ToEven);
            switch (type)
            {
                case DataType.Int8: ((sbyte[])r)[i] = (sbyte)Math.Clamp(d, sbyte.MinValue, sbyte.MaxValue); break;
                case DataType.UInt8: ((byte[])r)[i] = (byte)Math.Clamp(d, byte.MinValue, byte.MaxValue); break;
                case DataType.Int16: ((short[])r)[i] = (short)Math.Clamp(d, short.MinValue, short.MaxValue); break;
                case DataType.UInt16: ((ushort[])r)[i] = (ushort)Math.Clamp(d, ushort.MinValue, ushort.MaxValue); break;
                case DataType.Int32: ((int[])r)[i] = (int)Math.Clamp(d, int.MinValue, int.MaxValue); break;
                case DataType.UInt32: ((uint[])r)[i] = (uint)Math.Clamp(d, uint.MinValue, uint.MaxValue); break;
                case DataType.Int64: ((long[])r)[i] = (long)Math.Clamp(d, long.MinValue, long.MaxValue); break;
                case DataType.UInt64: ((ulong[])r)[i] = (ulong)Math.Clamp(d, ulong.MinValue, ulong.MaxValue); break;
                default: throw new NotSupportedException($"Resize: cannot produce {type}.");
            }
        }
        return r;
    }
}
