using Platform.Quantization.Formats;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// int4 layer weights packed once for <see cref="Int4Gemm"/>: N output channels of K codes, two per byte, with
/// scales (and, asymmetric, zero points) per group of K; per-channel and per-tensor are groups of the whole row.
/// </summary>
/// <remarks>
/// Kernel layout: panels of <see cref="PanelWidth"/> = 16 channels; inside a panel, K in octets of 8; an octet is
/// 64 bytes, byte c·4 + t holding channel c at depth 8o + t in its low nibble and 8o + 4 + t in its high nibble.
/// One and/shift then gives the u8 quads vpdpbusd multiplies (4 depths × 16 channels) with no shuffle. Every nibble
/// is unsigned: symmetric codes are stored +8 (zero point 8), so one path serves both; depth and channel padding
/// hold the zero point, i.e. weight 0. Scales and zero points are per [panel, group, channel of the panel].
/// </remarks>
public sealed class Int4PackedWeights
{
    internal const int PanelWidth = 16;
    internal const int OctetBytes = 64;

    /// <summary>N: output channels.</summary>
    public int Columns { get; }
    /// <summary>K: the shared dimension.</summary>
    public int Depth { get; }
    /// <summary>Elements of a row that share a scale.</summary>
    public int GroupSize { get; }
    /// <summary>The stored weight, kept for the scalar reference.</summary>
    internal AffineQuantizedWeight Source { get; }

    internal int Panels { get; }
    internal int Octets { get; }
    internal int Groups { get; }
    /// <summary>Group size the kernels step by (K when there is one group).</summary>
    internal int KernelGroup { get; }
    /// <summary>
    /// False for a group size that is not a multiple of 8 with more than one group per row: an octet would straddle
    /// two scales, so those weights run the scalar reference.
    /// </summary>
    internal bool Fast { get; }
    internal bool Symmetric { get; }
    internal byte[] Codes { get; } = [];
    /// <summary>[panel, group, 16] scales; 0 for padding channels.</summary>
    internal float[] Scales { get; } = [];
    /// <summary>[panel, group, 16] zero points (8 for symmetric weights).</summary>
    internal byte[] ZeroPoints { get; } = [];
    /// <summary>[panel, group, 64] zero points repeated 4× in octet byte order (asymmetric only), subtracted in registers.</summary>
    internal byte[] ZeroQuads { get; } = [];
    /// <summary>Σ_groups scale·Σ(code − zero point) per channel: the activation zero point's share, subtracted once.</summary>
    internal float[] ZeroCorrection { get; } = [];

    private Int4PackedWeights(AffineQuantizedWeight w)
    {
        Source = w;
        Columns = w.Channels;
        Depth = w.RowLength;
        GroupSize = w.GroupSize;
        int n = Columns, k = Depth;
        Groups = Math.Max(1, w.GroupsPerRow);
        KernelGroup = Groups == 1 ? Math.Max(k, 1) : w.GroupSize;
        Symmetric = w.Symmetric;
        Fast = Groups == 1 || KernelGroup % 8 == 0;
        if (!Fast || n == 0) return;

        Panels = (n + PanelWidth - 1) / PanelWidth;
        Octets = (k + 7) / 8;
        Codes = new byte[(long)Panels * Octets * OctetBytes];
        Scales = new float[Panels * Groups * PanelWidth];
        ZeroPoints = new byte[Panels * Groups * PanelWidth];
        ZeroCorrection = new float[Panels * PanelWidth];
        if (!Symmetric) ZeroQuads = new byte[Panels * Groups * OctetBytes];
        for (int p = 0; p < Panels; p++)
            for (int c = 0; c < PanelWidth; c++)
            {
                int col = p * PanelWidth + c;
                double correction = 0;
                for (int g = 0; g < Groups; g++)
                {
                    int pi = (p * Groups + g) * PanelWidth + c;
                    int z = Symmetric ? 8 : 0;
                    if (col < n && k > 0)
                    {
                        var qp = w.Params(col, g * KernelGroup);
                        Scales[pi] = qp.Scale;
                        z += qp.ZeroPoint;
                    }
                    ZeroPoints[pi] = (byte)z;
                    if (!Symmetric)
                        for (int t = 0; t < 4; t++) ZeroQuads[(p * Groups + g) * OctetBytes + c * 4 + t] = (byte)z;
                    long sum = 0;
                    int start = g * KernelGroup, end = Math.Min(k, start + KernelGroup);
                    for (int x = start; x < end; x++)
                    {
                        int u = col < n ? (Symmetric ? w.Code(col, x) + 8 : w.Code(col, x)) : z;
                        sum += u - z;
                        SetNibble(p, c, x, u);
                    }
                    correction += (double)Scales[pi] * sum;
                }
                for (int x = k; x < Octets * 8; x++) SetNibble(p, c, x, ZeroPoints[(p * Groups + Groups - 1) * PanelWidth + c]);
                ZeroCorrection[p * PanelWidth + c] = (float)correction;
            }
    }

    private void SetNibble(int panel, int c, int x, int u)
    {
        int o = x >> 3, r = x & 7;
        long i = ((long)panel * Octets + o) * OctetBytes + c * 4 + (r & 3);
        Codes[i] |= (byte)(r < 4 ? u : u << 4);
    }

    public static Int4PackedWeights Pack(AffineQuantizedWeight weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Bits != 4) throw new ArgumentException($"{weight.Format.Name} weights are not 4-bit.", nameof(weight));
        return new Int4PackedWeights(weight);
    }
}
