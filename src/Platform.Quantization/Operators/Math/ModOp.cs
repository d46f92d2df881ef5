using System.Numerics;
using System.Runtime.Intrinsics;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>
/// Mod. <typeparamref name="TFmod"/> = <see cref="Op.Div"/> marks fmod=1 (C fmod: the result takes
/// the dividend's sign); otherwise the result takes the divisor's sign, as Python's %.
/// </summary>
internal struct ModOp<T, TFmod> : IBinaryOp<T, T> where T : INumber<T>
{
    public static bool Vectorizable => false;

    public static T Invoke(T a, T b)
    {
        if (typeof(TFmod) == typeof(Op.Div)) return a % b;
        T r = a % b;
        if (r != T.Zero && (r < T.Zero) != (b < T.Zero)) r += b;
        return r;
    }

    public static Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => throw new NotSupportedException();
    public static Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => throw new NotSupportedException();
}
