using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>Add, Sub, Mul, Div, Max, Min for every numeric type (integer Div truncates toward zero, as C++ does in ONNX Runtime).</summary>
internal struct ArithmeticOp<T, TKind> : IBinaryOp<T, T> where T : INumber<T>
{
    public static bool Vectorizable =>
        typeof(T) == typeof(float) || typeof(T) == typeof(double) ||
        (typeof(TKind) != typeof(Op.Div) && (typeof(T) == typeof(int) || typeof(T) == typeof(long)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T a, T b) =>
        typeof(TKind) == typeof(Op.Add) ? a + b :
        typeof(TKind) == typeof(Op.Sub) ? a - b :
        typeof(TKind) == typeof(Op.Mul) ? a * b :
        typeof(TKind) == typeof(Op.Div) ? a / b :
        typeof(TKind) == typeof(Op.Max) ? T.Max(a, b) :
        typeof(TKind) == typeof(Op.Min) ? T.Min(a, b) :
        throw new NotSupportedException(typeof(TKind).Name);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) =>
        typeof(TKind) == typeof(Op.Add) ? a + b :
        typeof(TKind) == typeof(Op.Sub) ? a - b :
        typeof(TKind) == typeof(Op.Mul) ? a * b :
        typeof(TKind) == typeof(Op.Div) ? a / b :
        typeof(TKind) == typeof(Op.Max) ? Vector512.Max(a, b) :
        typeof(TKind) == typeof(Op.Min) ? Vector512.Min(a, b) :
        throw new NotSupportedException(typeof(TKind).Name);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) =>
        typeof(TKind) == typeof(Op.Add) ? a + b :
        typeof(TKind) == typeof(Op.Sub) ? a - b :
        typeof(TKind) == typeof(Op.Mul) ? a * b :
        typeof(TKind) == typeof(Op.Div) ? a / b :
        typeof(TKind) == typeof(Op.Max) ? Vector256.Max(a, b) :
        typeof(TKind) == typeof(Op.Min) ? Vector256.Min(a, b) :
        throw new NotSupportedException(typeof(TKind).Name);
}
