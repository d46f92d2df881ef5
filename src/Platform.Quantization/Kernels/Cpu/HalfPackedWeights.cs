using Platform.Quantization.Formats;
using Platform.Quantization.Specs;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>fp16 or bf16 layer weights packed once for <see cref="HalfGemm"/>: N output channels of K 16-bit values.</summary>
public sealed class HalfPackedWeights
{
    public int Columns { get; }
    public int Depth { get; }
    /// <summary>Fp16 or Bf16.</summary>
    public WeightFormatKind Kind { get; }
    /// <summary>Channel-major rows (N×K) widened to fp32, kept for the scalar reference.</summary>
    internal float[] Rows { get; }

    private HalfPackedWeights(int n, int k, WeightFormatKind kind, float[] rows)
    {
        Columns = n;
        Depth = k;
        Kind = kind;
        Rows = rows;
    }

    public static HalfPackedWeights Pack(FloatQuantizedWeight weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Format.Kind is not (WeightFormatKind.Fp16 or WeightFormatKind.Bf16))
            throw new ArgumentException($"{weight.Format.Name} weights are not 16-bit floats.", nameof(weight));
        var rows = new float[weight.ElementCount];
        weight.DequantizeRows(rows);
        return new HalfPackedWeights(weight.Channels, weight.RowLength, weight.Format.Kind, rows);
    }
}
