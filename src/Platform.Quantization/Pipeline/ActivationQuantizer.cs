using Platform.Quantization.Formats;
using Platform.Quantization.Graph;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Pipeline;

/// <summary>
/// How one layer's input activation is quantized when evaluated in fp32 (quantize → dequantize):
/// fixed parameters from calibration (static), parameters measured on each input (dynamic), or
/// XNOR-Net binarization (1 bit: sign(x)·β). For 1-D/2-D Conv the pipeline's <see cref="FakeQuantObserver"/> uses the
/// patch β of the binary kernel instead (<see cref="XnorPatches"/>); <see cref="Apply"/>'s per-position β over the channels
/// remains for the layers without a binary kernel (3-D Conv, ConvTranspose), which run it as their fallback.
/// </summary>
public sealed class ActivationQuantizer
{
    public LayerSpec Spec { get; }
    /// <summary>Calibrated parameters; null for dynamic and binary modes.</summary>
    public QuantParams? Static { get; }

    public ActivationQuantizer(LayerSpec spec, QuantParams? staticParams)
    {
        Spec = spec;
        Static = staticParams;
        if (spec.Activations == ActivationMode.Static && staticParams is null && spec.ActivationBits != 1)
            throw new ArgumentException("Static activation quantization needs calibrated parameters.", nameof(staticParams));
    }

    public Tensor Apply(Tensor x, Layer layer)
    {
        if (x.Type != DataType.Float) return x;
        var src = x.Floats;
        var dst = new float[src.Length];
        if (Spec.ActivationBits == 1) Binarize(src, dst, x.Shape, layer);
        else if (Static is { } p) FakeQuant.Apply(src, dst, p);
        else FakeQuant.ApplyDynamic(src, dst, Spec.ActivationBits, Spec.ActivationSymmetric);
        return new Tensor(DataType.Float, x.Shape, dst);
    }

    private static void Binarize(float[] src, float[] dst, int[] shape, Layer layer)
    {
        if (layer.OpType is "Conv" or "ConvTranspose" && shape.Length >= 3)
        {
            // NCHW: β per (sample, position) over the channels, as XNOR-Net's K map (before its box filter).
            int n = shape[0], c = shape[1], spatial = src.Length / Math.Max(1, n * c);
            for (int b = 0; b < n; b++)
                for (int s = 0; s < spatial; s++)
                {
                    double sum = 0;
                    for (int ch = 0; ch < c; ch++) sum += MathF.Abs(src[(b * c + ch) * spatial + s]);
                    float beta = (float)(sum / c);
                    for (int ch = 0; ch < c; ch++)
                    {
                        int i = (b * c + ch) * spatial + s;
                        dst[i] = src[i] >= 0 ? beta : -beta;
                    }
                }
            return;
        }
        int row = shape.Length == 0 ? 1 : shape[^1];
        BinaryQuantizer.BinarizeActivationRows(src, Math.Max(1, row), dst);
    }
}
