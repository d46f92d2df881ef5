using System.Runtime.Intrinsics;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>
/// One elementwise binary function. Implemented by structs so the JIT specialises every loop for
/// it; <see cref="Vectorizable"/> says whether the vector overloads may be called for this T.
/// </summary>
internal interface IBinaryOp<T, TResult>
{
    static abstract TResult Invoke(T a, T b);
    static abstract bool Vectorizable { get; }
    static abstract Vector512<T> Invoke(Vector512<T> a, Vector512<T> b);
    static abstract Vector256<T> Invoke(Vector256<T> a, Vector256<T> b);
}
