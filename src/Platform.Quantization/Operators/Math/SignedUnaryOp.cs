using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>Relu, Neg, Abs, Sign for every numeric type (Abs and Sign of unsigned types are the identity and 0/1).</summary>
internal struct SignedUnaryOp<T, TKind> : IUnaryOp<T, T> where T : INumber<T>
{
    public static bool Vectorizable =>
        typeof(TKind) != typeof(Op.Sign) &&
        (typeof(T) == typeof(float) || typeof(T) == typeof(double) || typeof(T) == typeof(int) || typeof(T) == typeof(long));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T x) =>
        typeof(TKind) == typeof(Op.Relu) ? (x > T.Zero ? x : T.IsNaN(x) ? x : T.Zero) :
        typeof(TKind) == typeof(Op.Neg) ? -x :
        typeof(TKind) == typeof(Op.Abs) ? (x < T.Zero ? -x : x) :
        typeof(TKind) == typeof(Op.Sign) ? (x > T.Zero ? T.One : x < T.Zero ? -T.One : T.IsNaN(x) ? x : T.Zero) :
        throw new NotSupportedException(typeof(TKind).Name);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> x) =>
        typeof(TKind) == typeof(Op.Relu) ? Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero) | ~Vector512.Equals(x, x), x, Vector512<T>.Zero) :
        typeof(TKind) == typeof(Op.Neg) ? -x :
        typeof(TKind) == typeof(Op.Abs) ? Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<T>.Zero), -x, x) :
        throw new NotSupportedException(typeof(TKind).Name);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> x) =>
        typeof(TKind) == typeof(Op.Relu) ? Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero) | ~Vector256.Equals(x, x), x, Vector256<T>.Zero) :
        typeof(TKind) == typeof(Op.Neg) ? -x :
        typeof(TKind) == typeof(Op.Abs) ? Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<T>.Zero), -x, x) :
        throw new NotSupportedException(typeof(TKind).Name);
}
