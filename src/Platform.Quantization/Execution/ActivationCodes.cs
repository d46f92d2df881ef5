using System.Runtime.Intrinsics;
using Platform.Quantization.Formats;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Execution;

/// <summary>
/// Quantizes a layer input to u8 codes exactly as the fake-quant path does (<see cref="FakeQuant.Apply(ReadOnlySpan{float}, Span{float}, QuantParams)"/>
/// and <see cref="FakeQuant.ApplyDynamic"/>): static parameters from calibration, or one per-tensor range measured on the
/// whole input. Signed codes get +128 so every kernel takes u8 with a zero point.
/// </summary>
internal static class ActivationCodes
{
    /// <summary>The parameters the fake-quant path would use for this input.</summary>
    public static QuantParams ParamsFor(ReadOnlySpan<float> x, LayerSpec spec, QuantParams? staticParams)
    {
        if (staticParams is { } p) return p;
        var (mn, mx) = FakeQuant.Range(x);
        return QuantParams.FromRange(mn, mx, spec.ActivationBits, spec.ActivationSymmetric);
    }

    /// <summary>
    /// The input as codes. A u8 tensor is an activation the producer already wrote with this layer's static parameters
    /// (carried between int8 layers), taken as is.
    /// </summary>
    public static LayerInput From(Tensor x, LayerSpec spec, QuantParams? staticParams, string layer)
    {
        if (x.Type == DataType.UInt8)
        {
            if (staticParams is not { } sp)
                throw new InvalidOperationException($"Layer '{layer}' received u8 codes but has no static input parameters to read them with.");
            return new LayerInput(null, x.As<byte>(), sp.Scale, sp.ZeroPoint + (sp.Signed ? 128 : 0));
        }
        if (x.Type != DataType.Float) throw new NotSupportedException($"Layer '{layer}': the input is {x.Type}; quantized layers take float32 or u8.");
        var src = x.Floats;
        var p = ParamsFor(src, spec, staticParams);
        var codes = GC.AllocateUninitializedArray<byte>(src.Length);
        Quantize(src, codes, p);
        return new LayerInput(null, codes, p.Scale, p.ZeroPoint + (p.Signed ? 128 : 0));
    }

    /// <summary>codes[i] = clamp(round(x/S) + Z, qmin, qmax) (+128 when signed), in float32 as FakeQuant does.</summary>
    public static void Quantize(ReadOnlySpan<float> x, Span<byte> codes, QuantParams p)
    {
        float s = p.Scale, z = p.ZeroPoint + (p.Signed ? 128 : 0), lo = p.QMin + (p.Signed ? 128 : 0), hi = p.QMax + (p.Signed ? 128 : 0);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(s); var vz = Vector256.Create(z);
            var vlo = Vector256.Create(lo); var vhi = Vector256.Create(hi);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var q = Vector256.Min(Vector256.Max(Vector256.Round(Vector256.Create(x.Slice(i, 8)) / vs) + vz, vlo), vhi);
                var n = Vector256.ConvertToInt32(q);
                for (int j = 0; j < 8; j++) codes[i + j] = (byte)n[j];
            }
        }
        for (; i < x.Length; i++)
        {
            float q = MathF.Round(x[i] / s, MidpointRounding.ToEven) + z;
            codes[i] = (byte)MathF.Min(MathF.Max(q, lo), hi);
        }
    }
}
