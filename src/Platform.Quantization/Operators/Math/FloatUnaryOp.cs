using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>
/// Unary functions of the floating types (float, double, Half). Transcendental ones are computed
/// in double and rounded once, so float results are correctly rounded or within an ulp of it;
/// the vector paths (float and double only) are the exactly rounded operations, Exp and Sigmoid
/// (.NET's vector Exp, within a few ulp of the double result) and float Tanh, Erf, Gelu (in double lanes).
/// </summary>
internal struct FloatUnaryOp<T, TKind> : IUnaryOp<T, T> where T : IFloatingPointIeee754<T>
{
    public static bool Vectorizable =>
        (typeof(T) == typeof(float) || typeof(T) == typeof(double)) &&
        (typeof(TKind) == typeof(Op.Sqrt) || typeof(TKind) == typeof(Op.Floor) || typeof(TKind) == typeof(Op.Ceil) ||
         typeof(TKind) == typeof(Op.Round) || typeof(TKind) == typeof(Op.Reciprocal) ||
         typeof(TKind) == typeof(Op.Exp) || typeof(TKind) == typeof(Op.Sigmoid) ||
         (typeof(T) == typeof(float) &&
          (typeof(TKind) == typeof(Op.Tanh) || typeof(TKind) == typeof(Op.Erf) || typeof(TKind) == typeof(Op.Gelu))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T x)
    {
        if (typeof(TKind) == typeof(Op.Sqrt)) return T.Sqrt(x);
        if (typeof(TKind) == typeof(Op.Floor)) return T.Floor(x);
        if (typeof(TKind) == typeof(Op.Ceil)) return T.Ceiling(x);
        if (typeof(TKind) == typeof(Op.Round)) return T.Round(x, MidpointRounding.ToEven);
        if (typeof(TKind) == typeof(Op.Reciprocal)) return T.One / x;
        return Num.FromDouble<T>(Evaluate(Num.ToDouble(x)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Evaluate(double x)
    {
        if (typeof(TKind) == typeof(Op.Exp)) return System.Math.Exp(x);
        if (typeof(TKind) == typeof(Op.Log)) return System.Math.Log(x);
        if (typeof(TKind) == typeof(Op.Tanh)) return System.Math.Tanh(x);
        if (typeof(TKind) == typeof(Op.Sin)) return System.Math.Sin(x);
        if (typeof(TKind) == typeof(Op.Cos)) return System.Math.Cos(x);
        if (typeof(TKind) == typeof(Op.Erf)) return ErrorFunction.Erf(x);
        if (typeof(TKind) == typeof(Op.Tan)) return System.Math.Tan(x);
        if (typeof(TKind) == typeof(Op.Asin)) return System.Math.Asin(x);
        if (typeof(TKind) == typeof(Op.Acos)) return System.Math.Acos(x);
        if (typeof(TKind) == typeof(Op.Atan)) return System.Math.Atan(x);
        if (typeof(TKind) == typeof(Op.Sinh)) return System.Math.Sinh(x);
        if (typeof(TKind) == typeof(Op.Cosh)) return System.Math.Cosh(x);
        if (typeof(TKind) == typeof(Op.Asinh)) return System.Math.Asinh(x);
        if (typeof(TKind) == typeof(Op.Acosh)) return System.Math.Acosh(x);
        if (typeof(TKind) == typeof(Op.Atanh)) return System.Math.Atanh(x);
        if (typeof(TKind) == typeof(Op.Softsign)) return x / (1 + System.Math.Abs(x));
        if (typeof(TKind) == typeof(Op.Sigmoid))
        {
            // Written so exp never overflows: the large-|x| side divides by (1 + a tiny number).
            if (x >= 0) return 1 / (1 + System.Math.Exp(-x));
            double e = System.Math.Exp(x);
            return e / (1 + e);
        }
        if (typeof(TKind) == typeof(Op.Softplus))
            return x > 0 ? x + Log1p(System.Math.Exp(-x)) : Log1p(System.Math.Exp(x));
        if (typeof(TKind) == typeof(Op.HardSwish))
            return x * System.Math.Max(0, System.Math.Min(1, x / 6 + 0.5));
        if (typeof(TKind) == typeof(Op.Gelu))
            return 0.5 * x * (1 + ErrorFunction.Erf(x * 0.70710678118654752));
        if (typeof(TKind) == typeof(Op.GeluTanh))
            return 0.5 * x * (1 + System.Math.Tanh(0.79788456080286536 * (x + 0.044715 * x * x * x)));
        throw new NotSupportedException(typeof(TKind).Name);
    }

    /// <summary>log(1 + e) without losing e's digits when e is tiny (.NET has no log1p).</summary>
    public static double Log1p(double e)
    {
        double u = 1 + e;
        return u == 1 ? e : System.Math.Log(u) * e / (u - 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> x)
    {
        if (typeof(TKind) == typeof(Op.Sqrt)) return Vector512.Sqrt(x);
        if (typeof(TKind) == typeof(Op.Reciprocal)) return Vector512<T>.One / x;
        if (typeof(TKind) == typeof(Op.Sigmoid))
        {
            // exp(-|x|) never overflows; 1/(1+e) on the positive side, e/(1+e) on the negative.
            var e = Exp(-Vector512.Abs(x));
            return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512<T>.Zero), Vector512<T>.One, e) / (Vector512<T>.One + e);
        }
        if (typeof(TKind) == typeof(Op.Exp)) return Exp(x);
        if (typeof(T) == typeof(float))
        {
            var f = x.AsSingle();
            if (typeof(TKind) == typeof(Op.Tanh))
            {
                var (lo, hi) = Vector512.Widen(f);
                return Vector512.Narrow(TanhInDouble(lo), TanhInDouble(hi)).As<float, T>();
            }
            if (typeof(TKind) == typeof(Op.Erf))
            {
                var (lo, hi) = Vector512.Widen(f);
                return Vector512.Narrow(ErrorFunction.Erf(lo), ErrorFunction.Erf(hi)).As<float, T>();
            }
            if (typeof(TKind) == typeof(Op.Gelu))
            {
                var (lo, hi) = Vector512.Widen(f);
                var glo = lo * 0.5 * (Vector512<double>.One + ErrorFunction.Erf(lo * 0.70710678118654752, ErrorFunction.RelativeFractionTerms));
                var ghi = hi * 0.5 * (Vector512<double>.One + ErrorFunction.Erf(hi * 0.70710678118654752, ErrorFunction.RelativeFractionTerms));
                return Vector512.Narrow(glo, ghi).As<float, T>();
            }
            return (typeof(TKind) == typeof(Op.Floor) ? Vector512.Floor(f) :
                    typeof(TKind) == typeof(Op.Ceil) ? Vector512.Ceiling(f) :
                    typeof(TKind) == typeof(Op.Round) ? Vector512.Round(f) :
                    throw new NotSupportedException(typeof(TKind).Name)).As<float, T>();
        }
        var d = x.AsDouble();
        return (typeof(TKind) == typeof(Op.Floor) ? Vector512.Floor(d) :
                typeof(TKind) == typeof(Op.Ceil) ? Vector512.Ceiling(d) :
                typeof(TKind) == typeof(Op.Round) ? Vector512.Round(d) :
                throw new NotSupportedException(typeof(TKind).Name)).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Exp(Vector512<T> x) =>
        typeof(T) == typeof(float) ? Vector512.Exp(x.AsSingle()).As<float, T>() : Vector512.Exp(x.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Exp(Vector256<T> x) =>
        typeof(T) == typeof(float) ? Vector256.Exp(x.AsSingle()).As<float, T>() : Vector256.Exp(x.AsDouble()).As<double, T>();

    /// <summary>
    /// tanh = (1 - e)/(1 + e) with e = exp(-2|x|), in double so 1 - e keeps its digits near 0;
    /// below |x| = 1e-4, tanh(x) = x to better than float precision (the cubic term is x³/3).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> TanhInDouble(Vector512<double> x)
    {
        var a = Vector512.Abs(x);
        var e = Vector512.Exp(a * -2.0);
        var t = (Vector512<double>.One - e) / (Vector512<double>.One + e);
        t = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<double>.Zero), -t, t);
        return Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(1e-4)), x, t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> TanhInDouble(Vector256<double> x)
    {
        var a = Vector256.Abs(x);
        var e = Vector256.Exp(a * -2.0);
        var t = (Vector256<double>.One - e) / (Vector256<double>.One + e);
        t = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<double>.Zero), -t, t);
        return Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(1e-4)), x, t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> x)
    {
        if (typeof(TKind) == typeof(Op.Sqrt)) return Vector256.Sqrt(x);
        if (typeof(TKind) == typeof(Op.Reciprocal)) return Vector256<T>.One / x;
        if (typeof(TKind) == typeof(Op.Sigmoid))
        {
            var e = Exp(-Vector256.Abs(x));
            return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<T>.Zero), Vector256<T>.One, e) / (Vector256<T>.One + e);
        }
        if (typeof(TKind) == typeof(Op.Exp)) return Exp(x);
        if (typeof(T) == typeof(float))
        {
            var f = x.AsSingle();
            if (typeof(TKind) == typeof(Op.Tanh))
            {
                var (lo, hi) = Vector256.Widen(f);
                return Vector256.Narrow(TanhInDouble(lo), TanhInDouble(hi)).As<float, T>();
            }
            if (typeof(TKind) == typeof(Op.Erf))
            {
                var (lo, hi) = Vector256.Widen(f);
                return Vector256.Narrow(ErrorFunction.Erf(lo), ErrorFunction.Erf(hi)).As<float, T>();
            }
            if (typeof(TKind) == typeof(Op.Gelu))
            {
                var (lo, hi) = Vector256.Widen(f);
                var glo = lo * 0.5 * (Vector256<double>.One + ErrorFunction.Erf(lo * 0.70710678118654752, ErrorFunction.RelativeFractionTerms));
                var ghi = hi * 0.5 * (Vector256<double>.One + ErrorFunction.Erf(hi * 0.70710678118654752, ErrorFunction.RelativeFractionTerms));
                return Vector256.Narrow(glo, ghi).As<float, T>();
            }
            return (typeof(TKind) == typeof(Op.Floor) ? Vector256.Floor(f) :
                    typeof(TKind) == typeof(Op.Ceil) ? Vector256.Ceiling(f) :
                    typeof(TKind) == typeof(Op.Round) ? Vector256.Round(f) :
                    throw new NotSupportedException(typeof(TKind).Name)).As<float, T>();
        }
        var d = x.AsDouble();
        return (typeof(TKind) == typeof(Op.Floor) ? Vector256.Floor(d) :
                typeof(TKind) == typeof(Op.Ceil) ? Vector256.Ceiling(d) :
                typeof(TKind) == typeof(Op.Round) ? Vector256.Round(d) :
                throw new NotSupportedException(typeof(TKind).Name)).As<double, T>();
    }
}
