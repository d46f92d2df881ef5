using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// fp16 / bf16 bit patterns widened to fp32 in vector registers. bf16 is the top half of an fp32. .NET 10 exposes no
/// vcvtph2ps (no F16C class), so fp16 is converted with integer ops: exponent and mantissa shifted into place and
/// multiplied by 2^112, which rebiases the exponent and normalizes subnormals exactly; ±∞ and NaN get the all-ones
/// exponent (NaN quieted, as <c>(float)(Half)x</c> does).
/// </summary>
internal static unsafe class HalfConvert
{
    private const uint Magic = 0x77800000; // 2^112 = 2^(127 − 15)

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToSingle(ushort* src, float* dst, long count, bool bf16)
    {
        long i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= count; i += 16)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Load(src + i));
                var v = Vector512.Create(lo, hi);
                (bf16 ? Vector512.ShiftLeft(v, 16).AsSingle() : Fp16(v)).Store(dst + i);
            }
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= count; i += 8)
            {
                var (lo, hi) = Vector128.Widen(Vector128.Load(src + i));
                var v = Vector256.Create(lo, hi);
                (bf16 ? Vector256.ShiftLeft(v, 16).AsSingle() : Fp16(v)).Store(dst + i);
            }
        if (Vector128.IsHardwareAccelerated)
            for (; i + 4 <= count; i += 4)
            {
                var v = Vector128.Create((uint)src[i], src[i + 1], src[i + 2], src[i + 3]);
                (bf16 ? Vector128.ShiftLeft(v, 16).AsSingle() : Fp16(v)).Store(dst + i);
            }
        for (; i < count; i++) dst[i] = bf16 ? BitConverter.UInt32BitsToSingle((uint)src[i] << 16) : Fp16Scalar(src[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Fp16(Vector512<uint> h)
    {
        var em = h & Vector512.Create(0x7FFFu);
        var sign = Vector512.ShiftLeft(h & Vector512.Create(0x8000u), 16);
        var finite = Vector512.ShiftLeft(em, 13).AsSingle() * Vector512.Create(Magic).AsSingle();
        var special = Vector512.ShiftLeft(em, 13) | Vector512.Create(0x7F800000u)
            | (Vector512.GreaterThan(em, Vector512.Create(0x7C00u)) & Vector512.Create(0x00400000u));
        var r = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(em, Vector512.Create(0x7C00u)), special, finite.AsUInt32());
        return (r | sign).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fp16(Vector256<uint> h)
    {
        var em = h & Vector256.Create(0x7FFFu);
        var sign = Vector256.ShiftLeft(h & Vector256.Create(0x8000u), 16);
        var finite = Vector256.ShiftLeft(em, 13).AsSingle() * Vector256.Create(Magic).AsSingle();
        var special = Vector256.ShiftLeft(em, 13) | Vector256.Create(0x7F800000u)
            | (Vector256.GreaterThan(em, Vector256.Create(0x7C00u)) & Vector256.Create(0x00400000u));
        var r = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(em, Vector256.Create(0x7C00u)), special, finite.AsUInt32());
        return (r | sign).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Fp16(Vector128<uint> h)
    {
        var em = h & Vector128.Create(0x7FFFu);
        var sign = Vector128.ShiftLeft(h & Vector128.Create(0x8000u), 16);
        var finite = Vector128.ShiftLeft(em, 13).AsSingle() * Vector128.Create(Magic).AsSingle();
        var special = Vector128.ShiftLeft(em, 13) | Vector128.Create(0x7F800000u)
            | (Vector128.GreaterThan(em, Vector128.Create(0x7C00u)) & Vector128.Create(0x00400000u));
        var r = Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(em, Vector128.Create(0x7C00u)), special, finite.AsUInt32());
        return (r | sign).AsSingle();
    }

    /// <summary>The same bit conversion one value at a time (the scalar path and the tests' second opinion).</summary>
    internal static float Fp16Scalar(ushort h)
    {
        uint em = h & 0x7FFFu, sign = (uint)(h & 0x8000) << 16;
        uint bits = em >= 0x7C00
            ? (em << 13) | 0x7F800000u | (em > 0x7C00 ? 0x00400000u : 0)
            : BitConverter.SingleToUInt32Bits(BitConverter.UInt32BitsToSingle(em << 13) * BitConverter.UInt32BitsToSingle(Magic));
        return BitConverter.UInt32BitsToSingle(bits | sign);
    }
}
