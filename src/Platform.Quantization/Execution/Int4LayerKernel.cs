using Platform.Quantization.Formats;
using Platform.Quantization.Kernels.Cpu;
using Platform.Quantization.Pipeline;

namespace Platform.Quantization.Execution;

/// <summary>
/// int4 weights (per-group scales) on <see cref="Int4Gemm"/>: weight-only layers take fp32 activations; layers with
/// quantized activations take u8 codes with the one per-tensor scale and zero point on every row, so the result is
/// the fake-quant definition's (every row of a tensor shares its parameters there too).
/// </summary>
internal sealed class Int4LayerKernel : LayerKernel
{
    private readonly Int4PackedWeights[] _packed;
    [ThreadStatic] private static float[]? s_scales;
    [ThreadStatic] private static int[]? s_zeros;

    public Int4LayerKernel(QuantizedLayer layer, int groups) : base(layer, groups) =>
        _packed = WeightGroups.Split(layer.Weight, groups).Select(w => Int4PackedWeights.Pack((AffineQuantizedWeight)w)).ToArray();

    public override string Kind => "int4";
    protected override bool TakesCodes => Layer.Spec.QuantizesActivations;

    protected override void MultiplyFloat(int group, int m, ReadOnlySpan<float> a, int lda, Span<float> c, int ldc, ReadOnlySpan<float> bias,
        bool relu, int threads) =>
        Int4Gemm.Multiply(m, a, lda, _packed[group], c, ldc, bias, relu, threads);

    protected override void MultiplyCodes(int group, int m, ReadOnlySpan<byte> a, int lda, float aScale, int aZero, Span<float> c, int ldc,
        bool transposed, ReadOnlySpan<float> bias, float alpha, bool relu, int threads)
    {
        if (s_scales is null || s_scales.Length < m) { s_scales = new float[m]; s_zeros = new int[m]; }
        var scales = s_scales.AsSpan(0, m);
        var zeros = s_zeros.AsSpan(0, m);
        scales.Fill(aScale * alpha);
        zeros.Fill(aZero);
        if (alpha == 1f || bias.IsEmpty)
        {
            Int4Gemm.Multiply(m, a, lda, scales, zeros, _packed[group], c, ldc, bias, relu, threads);
            return;
        }
        // alpha folded into the row scale must not scale the bias.
        Int4Gemm.Multiply(m, a, lda, scales, zeros, _packed[group], c, ldc, default, false, threads);
        int n = _packed[group].Columns;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float v = c[i * ldc + j] + bias[j];
                c[i * ldc + j] = relu && v < 0f ? 0f : v;
            }
    }
}
