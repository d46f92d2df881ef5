using System.Runtime.Intrinsics;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>One elementwise unary function, as a struct so loops are specialised for it.</summary>
internal interface IUnaryOp<T, TResult>
{
    static abstract TResult Invoke(T x);
    static abstract bool Vectorizable { get; }
    static abstract Vector512<T> Invoke(Vector512<T> x);
    static abstract Vector256<T> Invoke(Vector256<T> x);
}
