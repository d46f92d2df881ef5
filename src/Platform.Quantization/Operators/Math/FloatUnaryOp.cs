using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>
/// Unary functions of the floating types (float, double, Half). Transcendental ones are computed
/// in double and rounded once, so float results are correctly rounded or within an ulp of it;
/// the vector paths (float and double only) are the exactly rounded operations plus Exp/Sigmoid.
/// </summary>
internal struct FloatUnaryOp<T, TKind> : IUnaryOp<T, T> where T : IFloatingPointIeee754<T>
{
    public static bool Vectorizable =>
        (typeof(T) == typeof(float) || typeof(T) == typeof(double)) &&
        (typeof(TKind) == typeof(Op.Sqrt) || typeof(TKind) == typeof(Op.Floor) || typeof(TKind) == typeof(Op.Ceil) ||
         typeof(TKind) == typeof(Op.Round) || typeof(TKind) == typeof(Op.Reciprocal));

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
        if (typeof(T) == typeof(float))
        {
            var f = x.AsSingle();
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
    public static Vector256<T> Invoke(Vector256<T> x)
    {
        if (typeof(TKind) == typeof(Op.Sqrt)) return Vector256.Sqrt(x);
        if (typeof(TKind) == typeof(Op.Reciprocal)) return Vector256<T>.One / x;
        if (typeof(T) == typeof(float))
        {
            var f = x.AsSingle();
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
