using System.Runtime.Intrinsics;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>Equal for non-numeric element types (bool, string).</summary>
internal struct EqualityOp<T> : IBinaryOp<T, bool>
{
    public static bool Vectorizable => false;
    public static bool Invoke(T a, T b) => EqualityComparer<T>.Default.Equals(a, b);
    public static Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => throw new NotSupportedException();
    public static Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => throw new NotSupportedException();
}
