using System.Numerics;
using System.Runtime.Intrinsics;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>PRelu: x where x ≥ 0, slope·x below.</summary>
internal struct PReluOp<T> : IBinaryOp<T, T> where T : INumber<T>
{
    public static bool Vectorizable => typeof(T) == typeof(float) || typeof(T) == typeof(double);
    public static T Invoke(T x, T slope) => x < T.Zero ? slope * x : x;
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> slope) =>
        Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<T>.Zero), x * slope, x);
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> slope) =>
        Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<T>.Zero), x * slope, x);
}
