using System.Numerics;
using System.Runtime.CompilerServices;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>Conversions between a generic element type and double that the JIT folds per type.</summary>
internal static class Num
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToDouble<T>(T x) where T : INumberBase<T>
    {
        if (typeof(T) == typeof(float)) return Unsafe.As<T, float>(ref x);
        if (typeof(T) == typeof(double)) return Unsafe.As<T, double>(ref x);
        return double.CreateTruncating(x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromDouble<T>(double x) where T : INumberBase<T>
    {
        if (typeof(T) == typeof(float)) { float f = (float)x; return Unsafe.As<float, T>(ref f); }
        if (typeof(T) == typeof(double)) return Unsafe.As<double, T>(ref x);
        return T.CreateTruncating(x);
    }

    public static bool IsFloating<T>() =>
        typeof(T) == typeof(float) || typeof(T) == typeof(double) || typeof(T) == typeof(Half);
}
