using System.Numerics;
using System.Runtime.Intrinsics;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>Equal, Less, Greater, LessOrEqual, GreaterOrEqual with IEEE semantics (NaN compares false).</summary>
internal struct CompareOp<T, TKind> : IBinaryOp<T, bool> where T : INumber<T>
{
    public static bool Vectorizable => false;

    public static bool Invoke(T a, T b) =>
        typeof(TKind) == typeof(Op.Equal) ? a == b :
        typeof(TKind) == typeof(Op.Less) ? a < b :
        typeof(TKind) == typeof(Op.Greater) ? a > b :
        typeof(TKind) == typeof(Op.LessOrEqual) ? a <= b :
        typeof(TKind) == typeof(Op.GreaterOrEqual) ? a >= b :
        throw new NotSupportedException(typeof(TKind).Name);

    public static Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => throw new NotSupportedException();
    public static Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => throw new NotSupportedException();
}
