namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// XNOR-Net activations: M rows of K values binarized to sign bits (x ≥ 0 → +1) with β = mean |x| per row,
/// packed in the same bit layout as <see cref="BinaryPackedWeights"/>.
/// </summary>
public sealed class BinaryActivations
{
    public int Rows { get; }
    public int Depth { get; }
    /// <summary>β per row.</summary>
    public float[] Betas { get; }
    /// <summary>Signs as ±1 (M×K), kept for the scalar reference.</summary>
    internal sbyte[] Signs { get; }

    private BinaryActivations(int m, int k, float[] betas, sbyte[] signs)
    {
        Rows = m;
        Depth = k;
        Betas = betas;
        Signs = signs;
    }

    public static BinaryActivations FromRows(ReadOnlySpan<float> a, int m, int k, int lda)
    {
        var signs = new sbyte[m * k];
        var betas = new float[m];
        for (int i = 0; i < m; i++)
        {
            double sum = 0;
            for (int p = 0; p < k; p++)
            {
                float x = a[i * lda + p];
                sum += MathF.Abs(x);
                signs[i * k + p] = (sbyte)(x >= 0f ? 1 : -1);
            }
            betas[i] = k == 0 ? 0f : (float)(sum / k);
        }
        return new BinaryActivations(m, k, betas, signs);
    }
}
