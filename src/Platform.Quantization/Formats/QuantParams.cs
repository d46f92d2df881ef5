using System.Runtime.CompilerServices;

namespace Platform.Quantization.Formats;

/// <summary>
/// Uniform affine quantization parameters at <see cref="Bits"/> bits.
/// Sign convention (as ONNX QuantizeLinear, ORT and PyTorch): q = clamp(round(r / S) + Z, qmin, qmax) and
/// r̂ = (q − Z)·S, rounding half to even. (The issue text writes round(r/S) − Z; that is the same scheme
/// with Z negated — we store the Z that is added.)
/// Symmetric: signed codes on the restricted range ±(2^(b−1)−1) (int8 −127..127, int4 −7..7, int2 −1..1),
/// Z = 0, S = max|r| / (2^(b−1)−1). Asymmetric: unsigned codes 0..2^b−1 (uint8 for 8 bits), the range
/// widened to include 0 so that 0 is exact, S = (β−α)/(2^b−1), Z = round(−α/S).
/// An all-zero range gives S = 1, never 0 or NaN. Arithmetic is float32 throughout so that weight
/// quantization and the vectorized fake-quant give identical results.
/// </summary>
public readonly record struct QuantParams(float Scale, int ZeroPoint, int Bits, bool Signed)
{
    public int QMin => Signed ? -((1 << (Bits - 1)) - 1) : 0;

    public int QMax => Signed ? (1 << (Bits - 1)) - 1 : (1 << Bits) - 1;

    /// <summary>Parameters that cover [min, max] (widened to include 0).</summary>
    /// <param name="bits">2..8.</param>
    /// <param name="symmetric">Signed codes with Z = 0, or unsigned codes with a zero point.</param>
    public static QuantParams FromRange(float min, float max, int bits, bool symmetric)
    {
        if (bits < 2 || bits > 8) throw new ArgumentOutOfRangeException(nameof(bits), bits, "Affine quantization supports 2 to 8 bits.");
        if (!float.IsFinite(min) || !float.IsFinite(max))
            throw new ArgumentException($"Cannot quantize the range [{min}, {max}]: both ends must be finite.");
        if (min > max) throw new ArgumentException($"The range [{min}, {max}] is empty: min > max.");
        if (symmetric)
        {
            int qmax = (1 << (bits - 1)) - 1;
            float absMax = MathF.Max(MathF.Abs(min), MathF.Abs(max));
            float s = absMax / qmax;
            return new QuantParams(s > 0 && float.IsFinite(s) ? s : 1f, 0, bits, true);
        }
        else
        {
            int qmax = (1 << bits) - 1;
            float lo = MathF.Min(min, 0f), hi = MathF.Max(max, 0f);
            float s = (hi - lo) / qmax;
            if (!(s > 0) || !float.IsFinite(s)) return new QuantParams(1f, 0, bits, false);
            int z = (int)Math.Clamp(MathF.Round(-lo / s, MidpointRounding.ToEven), 0, qmax);
            return new QuantParams(s, z, bits, false);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Quantize(float r)
    {
        float q = MathF.Round(r / Scale, MidpointRounding.ToEven) + ZeroPoint;
        return (int)MathF.Min(MathF.Max(q, QMin), QMax);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Dequantize(int q) => (q - ZeroPoint) * Scale;
}
