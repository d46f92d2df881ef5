using Platform.Quantization.Formats;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// Binary layer weights packed once for <see cref="BinaryGemm"/>: N output channels of K sign bits (set = +1)
/// and α per channel. The bit rows are padded with zero bits to the kernel's word width; activations packed by
/// <see cref="BinaryActivations"/> are padded the same way, so padding never counts as a mismatch.
/// </summary>
public sealed class BinaryPackedWeights
{
    public int Columns { get; }
    public int Depth { get; }
    /// <summary>α per output channel.</summary>
    public float[] Alphas { get; }
    /// <summary>Signs as ±1 (N×K), kept for the scalar reference.</summary>
    internal sbyte[] Signs { get; }

    private BinaryPackedWeights(int n, int k, float[] alphas, sbyte[] signs)
    {
        Columns = n;
        Depth = k;
        Alphas = alphas;
        Signs = signs;
    }

    public static BinaryPackedWeights Pack(BinaryQuantizedWeight weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        int n = weight.Channels, k = weight.RowLength;
        var signs = new sbyte[n * k];
        for (int c = 0; c < n; c++)
            for (int i = 0; i < k; i++) signs[c * k + i] = (sbyte)weight.Sign(c, i);
        return new BinaryPackedWeights(n, k, (float[])weight.Alphas.Clone(), signs);
    }
}
