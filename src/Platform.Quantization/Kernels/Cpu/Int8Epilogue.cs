namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// What <see cref="Int8Gemm"/> does with each s32 accumulator before writing it:
/// y = acc · Scales[n] + Bias[n], then ReLU; written as fp32, or requantized to u8 as
/// clamp(round(y / OutputScale) + OutputZeroPoint, 0, 255) (round half to even, as <c>QuantParams.Quantize</c>).
/// </summary>
public sealed class Int8Epilogue
{
    /// <summary>Per output channel: activation scale × weight scale (length N).</summary>
    public required float[] Scales { get; init; }
    /// <summary>Per output channel, or null.</summary>
    public float[]? Bias { get; init; }
    public bool Relu { get; init; }
    /// <summary>Scale of the u8 output (requantized output only).</summary>
    public float OutputScale { get; init; } = 1f;
    public int OutputZeroPoint { get; init; }
    /// <summary>Write C column-major: element (m, n) at c[n·ldc + m] (a convolution's NCHW output, positions being m).</summary>
    public bool TransposeOutput { get; init; }
}
