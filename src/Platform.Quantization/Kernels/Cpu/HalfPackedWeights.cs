using Platform.Quantization.Formats;
using Platform.Quantization.Specs;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>fp16 or bf16 layer weights packed once for <see cref="HalfGemm"/>: N output channels of K 16-bit values.</summary>
/// <remarks>
/// Layout: panels of <see cref="PanelWidth"/> = 32 channels (the SGEMM's register tile width), depth-major inside a
/// panel ([panel, k, 32]), channels past N zero. Kept in 16 bits: the weights are read at half the fp32 bandwidth
/// and widened block by block in L1.
/// </remarks>
public sealed class HalfPackedWeights
{
    internal const int PanelWidth = Sgemm.NR;

    public int Columns { get; }
    public int Depth { get; }
    /// <summary>Fp16 or Bf16.</summary>
    public WeightFormatKind Kind { get; }
    internal int Panels { get; }
    /// <summary>[panel, k, 32] 16-bit patterns.</summary>
    internal ushort[] Data { get; }

    private HalfPackedWeights(int n, int k, WeightFormatKind kind, ushort[] data)
    {
        Columns = n;
        Depth = k;
        Kind = kind;
        Panels = (n + PanelWidth - 1) / PanelWidth;
        Data = data;
    }

    /// <summary>Weight of channel n at depth k, widened (the scalar reference's view).</summary>
    internal float Element(int n, int k)
    {
        ushort bits = Data[((long)(n / PanelWidth) * Depth + k) * PanelWidth + n % PanelWidth];
        return Kind == WeightFormatKind.Bf16 ? BitConverter.UInt32BitsToSingle((uint)bits << 16) : (float)BitConverter.UInt16BitsToHalf(bits);
    }

    public static HalfPackedWeights Pack(FloatQuantizedWeight weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Format.Kind is not (WeightFormatKind.Fp16 or WeightFormatKind.Bf16))
            throw new ArgumentException($"{weight.Format.Name} weights are not 16-bit floats.", nameof(weight));
        int n = weight.Channels, k = weight.RowLength;
        // Widening is exact, so narrowing the channel-major fp32 rows back gives the stored 16-bit values.
        var rows = new float[weight.ElementCount];
        weight.DequantizeRows(rows);
        bool bf16 = weight.Format.Kind == WeightFormatKind.Bf16;
        int panels = (n + PanelWidth - 1) / PanelWidth;
        var data = new ushort[(long)panels * k * PanelWidth];
        for (int c = 0; c < n; c++)
        {
            long baseIndex = (long)(c / PanelWidth) * k * PanelWidth + c % PanelWidth;
            for (int x = 0; x < k; x++)
            {
                float v = rows[(long)c * k + x];
                data[baseIndex + (long)x * PanelWidth] = bf16
                    ? (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)
                    : BitConverter.HalfToUInt16Bits((Half)v);
            }
        }
        return new HalfPackedWeights(n, k, weight.Format.Kind, data);
    }
}
