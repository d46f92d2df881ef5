using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Platform.Quantization.Formats;

/// <summary>
/// Activation fake quantization: y = (clamp(round(x/S) + Z, qmin, qmax) − Z)·S, the fp32 value a quantized
/// kernel would see. All paths compute in float32 in the same order, so every vector width gives the
/// same bits as <see cref="ApplyScalar"/>. NaN inputs are not defined behaviour.
/// </summary>
public static class FakeQuant
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, QuantParams p)
    {
        if (y.Length < x.Length) throw new ArgumentException($"The output holds {y.Length} elements but the input has {x.Length}.", nameof(y));
        int i = 0;
        float s = p.Scale, z = p.ZeroPoint, lo = p.QMin, hi = p.QMax;
        ref float xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref float yr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated && x.Length >= Vector512<float>.Count)
        {
            var vs = Vector512.Create(s); var vz = Vector512.Create(z);
            var vlo = Vector512.Create(lo); var vhi = Vector512.Create(hi);
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var q = Vector512.Round(Vector512.LoadUnsafe(ref xr, (nuint)i) / vs) + vz;
                q = Vector512.Min(Vector512.Max(q, vlo), vhi);
                ((q - vz) * vs).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated && x.Length - i >= Vector256<float>.Count)
        {
            var vs = Vector256.Create(s); var vz = Vector256.Create(z);
            var vlo = Vector256.Create(lo); var vhi = Vector256.Create(hi);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var q = Vector256.Round(Vector256.LoadUnsafe(ref xr, (nuint)i) / vs) + vz;
                q = Vector256.Min(Vector256.Max(q, vlo), vhi);
                ((q - vz) * vs).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated && x.Length - i >= Vector128<float>.Count)
        {
            var vs = Vector128.Create(s); var vz = Vector128.Create(z);
            var vlo = Vector128.Create(lo); var vhi = Vector128.Create(hi);
            for (; i <= x.Length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                var q = Vector128.Round(Vector128.LoadUnsafe(ref xr, (nuint)i) / vs) + vz;
                q = Vector128.Min(Vector128.Max(q, vlo), vhi);
                ((q - vz) * vs).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < x.Length; i++) y[i] = One(x[i], s, z, lo, hi);
    }

    /// <summary>In place.</summary>
    public static void Apply(Span<float> x, QuantParams p) => Apply(x, x, p);

    /// <summary>The reference every vector path is checked against.</summary>
    public static void ApplyScalar(ReadOnlySpan<float> x, Span<float> y, QuantParams p)
    {
        if (y.Length < x.Length) throw new ArgumentException($"The output holds {y.Length} elements but the input has {x.Length}.", nameof(y));
        for (int i = 0; i < x.Length; i++) y[i] = One(x[i], p.Scale, p.ZeroPoint, p.QMin, p.QMax);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float One(float x, float s, float z, float lo, float hi)
    {
        float q = MathF.Round(x / s, MidpointRounding.ToEven) + z;
        q = MathF.Min(MathF.Max(q, lo), hi);
        return (q - z) * s;
    }

    /// <summary>Min and max of a span (0, 0 when empty): the range a dynamic quantizer measures.</summary>
    public static (float Min, float Max) Range(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty) return (0f, 0f);
        float mn = x[0], mx = x[0];
        foreach (var v in x)
        {
            if (v < mn) mn = v;
            if (v > mx) mx = v;
        }
        return (mn, mx);
    }

    /// <summary>Dynamic fake quantization: the range is measured on <paramref name="x"/> itself.</summary>
    public static QuantParams ApplyDynamic(ReadOnlySpan<float> x, Span<float> y, int bits, bool symmetric)
    {
        var (mn, mx) = Range(x);
        var p = QuantParams.FromRange(mn, mx, bits, symmetric);
        Apply(x, y, p);
        return p;
    }
}
