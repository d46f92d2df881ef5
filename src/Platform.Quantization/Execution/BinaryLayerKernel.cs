using Platform.Quantization.Formats;
using Platform.Quantization.Kernels.Cpu;
using Platform.Quantization.Pipeline;

namespace Platform.Quantization.Execution;

/// <summary>
/// Binary weights (α·sign) on <see cref="BinaryGemm"/>: BinaryConnect with fp32 activations, or XNOR-Net when the
/// activations are 1 bit (sign and β = mean |x| per im2row row: per output position over its C·kh·kw patch for a
/// convolution, per row for Gemm/MatMul). The bit kernel reads a padded zero as +1; XNOR-Net's convolution pads
/// the binarized input with 0, so the padded taps' contribution is taken back out (fake-quant and real agree).
/// </summary>
internal sealed class BinaryLayerKernel : LayerKernel
{
    private readonly BinaryPackedWeights[] _packed;
    private readonly sbyte[][] _signs;

    public BinaryLayerKernel(QuantizedLayer layer, int groups) : base(layer, groups)
    {
        var parts = WeightGroups.Split(layer.Weight, groups).Cast<BinaryQuantizedWeight>().ToArray();
        _packed = parts.Select(BinaryPackedWeights.Pack).ToArray();
        _signs = parts.Select(w =>
        {
            var s = new sbyte[w.Channels * w.RowLength];
            for (int c = 0; c < w.Channels; c++)
                for (int i = 0; i < w.RowLength; i++) s[c * w.RowLength + i] = (sbyte)w.Sign(c, i);
            return s;
        }).ToArray();
    }

    private bool Xnor => Layer.Spec.QuantizesActivations && Layer.Spec.ActivationBits == 1;

    public override string Kind => Xnor ? "xnor" : "binary";
    protected override bool TakesCodes => false;

    protected override void MultiplyFloat(int group, int m, ReadOnlySpan<float> a, int lda, Span<float> c, int ldc, ReadOnlySpan<float> bias,
        bool relu, int threads)
    {
        if (!Xnor)
        {
            BinaryGemm.Multiply(m, a, lda, _packed[group], c, ldc, bias, relu, threads);
            return;
        }
        var acts = BinaryActivations.FromRows(a, m, _packed[group].Depth, lda);
        BinaryGemm.MultiplyXnor(acts, _packed[group], c, ldc, bias, relu, threads);
    }

    protected override void MultiplyConvRows(int group, int m, ReadOnlySpan<float> rows, int k, Span<float> c, int ldc, ReadOnlySpan<float> bias,
        bool relu, in Conv2DGeometry g, int threads)
    {
        if (!Xnor)
        {
            MultiplyFloat(group, m, rows, k, c, ldc, bias, relu, threads);
            return;
        }
        var w = _packed[group];
        var signs = _signs[group];
        int n = w.Columns;
        var acts = BinaryActivations.FromRows(rows, m, k, k);
        BinaryGemm.MultiplyXnor(acts, w, c, ldc, default, false, threads);
        Span<int> padSum = n <= 1024 ? stackalloc int[n] : new int[n];
        for (int oh = 0; oh < g.OutH; oh++)
            for (int ow = 0; ow < g.OutW; ow++)
            {
                int pos = oh * g.OutW + ow;
                bool any = false;
                padSum.Clear();
                for (int kh = 0, p0 = 0; kh < g.KernelH; kh++)
                {
                    int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                    for (int kw = 0; kw < g.KernelW; kw++, p0++)
                    {
                        int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                        if ((uint)ih < (uint)g.InH && (uint)iw < (uint)g.InW) continue;
                        any = true;
                        for (int ch = 0; ch < g.Channels; ch++)
                        {
                            int p = ch * g.KernelH * g.KernelW + p0;
                            for (int j = 0; j < n; j++) padSum[j] += signs[j * k + p];
                        }
                    }
                }
                var row = c.Slice(pos * ldc, n);
                float beta = acts.Betas[pos];
                for (int j = 0; j < n; j++)
                {
                    float v = any ? row[j] - w.Alphas[j] * beta * padSum[j] : row[j];
                    if (!bias.IsEmpty) v += bias[j];
                    row[j] = relu && v < 0f ? 0f : v;
                }
            }
    }
}
