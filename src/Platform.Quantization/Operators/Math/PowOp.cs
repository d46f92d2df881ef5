using System.Numerics;
using System.Runtime.Intrinsics;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>Pow computed in double (exact for the integer powers models use: x^2, x^3).</summary>
internal struct PowOp<T> : IBinaryOp<T, T> where T : INumber<T>
{
    public static bool Vectorizable => false;
    public static T Invoke(T a, T b) => Num.FromDouble<T>(System.Math.Pow(Num.ToDouble(a), Num.ToDouble(b)));
    public static Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => throw new NotSupportedException();
    public static Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => throw new NotSupportedException();
}
