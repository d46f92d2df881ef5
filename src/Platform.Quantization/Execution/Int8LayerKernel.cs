using Platform.Quantization.Formats;
using Platform.Quantization.Kernels.Cpu;
using Platform.Quantization.Pipeline;

namespace Platform.Quantization.Execution;

/// <summary>
/// int8 weights (per-tensor or per-channel, symmetric s8 codes as stored, asymmetric u8 codes as code − 128 with the
/// zero point − 128) × u8 activations (static or per-tensor dynamic parameters) on <see cref="Int8Gemm"/> and
/// <see cref="Int8Conv"/>; the epilogue applies aScale·wScale[n], bias and ReLU, writing fp32 or, when the output is
/// carried to the next int8 layer, u8 requantized with that layer's input parameters.
/// </summary>
internal sealed class Int8LayerKernel : LayerKernel
{
    private readonly Int8PackedWeights[] _packed;
    private readonly float[][] _weightScales;

    public Int8LayerKernel(QuantizedLayer layer, int groups) : base(layer, groups)
    {
        var parts = WeightGroups.Split(layer.Weight, groups);
        _packed = new Int8PackedWeights[groups];
        _weightScales = new float[groups][];
        for (int g = 0; g < groups; g++)
        {
            var w = (AffineQuantizedWeight)parts[g];
            int n = w.Channels, k = w.RowLength;
            var rows = new sbyte[n * k];
            int[]? zeros = w.Symmetric ? null : new int[n];
            var scales = new float[n];
            for (int c = 0; c < n; c++)
            {
                var p = w.Params(c, 0);
                scales[c] = p.Scale;
                // u8 codes 0..255 become s8 by −128 on code and zero point alike, so (code − z) is unchanged.
                int shift = w.Symmetric ? 0 : 128;
                if (zeros is not null) zeros[c] = p.ZeroPoint - shift;
                for (int i = 0; i < k; i++) rows[c * k + i] = (sbyte)(w.Code(c, i) - shift);
            }
            _packed[g] = Int8PackedWeights.Pack(rows, n, k, zeros ?? default);
            _weightScales[g] = scales;
        }
    }

    public override string Kind => "int8";
    protected override bool TakesCodes => true;
    protected override bool WritesTransposed => true;

    private Int8Epilogue Epilogue(int group, float aScale, float alpha, ReadOnlySpan<float> bias, bool relu, bool transposed, QuantParams? output)
    {
        var ws = _weightScales[group];
        var scales = new float[ws.Length];
        for (int i = 0; i < ws.Length; i++) scales[i] = aScale * ws[i] * alpha;
        return new Int8Epilogue
        {
            Scales = scales,
            Bias = bias.IsEmpty ? null : bias.ToArray(),
            Relu = relu,
            TransposeOutput = transposed,
            OutputScale = output?.Scale ?? 1f,
            OutputZeroPoint = output is { } o ? o.ZeroPoint + (o.Signed ? 128 : 0) : 0,
        };
    }

    protected override void MultiplyCodes(int group, int m, ReadOnlySpan<byte> a, int lda, float aScale, int aZero, Span<float> c, int ldc,
        bool transposed, ReadOnlySpan<float> bias, float alpha, bool relu, int threads) =>
        Int8Gemm.Multiply(m, a, lda, aZero, _packed[group], Epilogue(group, aScale, alpha, bias, relu, transposed, null), c, ldc, threads);

    protected override void MultiplyCodesToU8(int group, int m, ReadOnlySpan<byte> a, int lda, float aScale, int aZero, Span<byte> c, int ldc,
        bool transposed, ReadOnlySpan<float> bias, float alpha, bool relu, QuantParams output, int threads) =>
        Int8Gemm.Multiply(m, a, lda, aZero, _packed[group], Epilogue(group, aScale, alpha, bias, relu, transposed, output), c, ldc, threads);

    protected override bool TryConvCodes(int group, ReadOnlySpan<byte> image, float aScale, int aZero, Conv2DGeometry geometry,
        Span<float> y, Span<byte> yCodes, ReadOnlySpan<float> bias, bool relu, int threads)
    {
        var e = Epilogue(group, aScale, 1f, bias, relu, false, OutputParams);
        if (OutputParams is null) Int8Conv.Run(image, aZero, geometry, _packed[group], e, y, threads);
        else Int8Conv.Run(image, aZero, geometry, _packed[group], e, yCodes, threads);
        return true;
    }
}
