using Platform.Quantization.Graph;
using Platform.Quantization.Operators.Nn;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Pipeline;

/// <summary>
/// XNOR-Net's K map for a 1-D/2-D convolution: β per (image, group, output position) = mean |x| over the C/G·kh·kw
/// values the position's patch reads, padding zeros counted — the β the binary kernel takes per im2row row.
/// </summary>
internal static class XnorPatches
{
    public static bool Applies(Node node, Tensor x) => node.OpType is "Conv" && x.Rank is 3 or 4;

    /// <returns>β as [N, G, OutSize] and the output size per image and group.</returns>
    public static (float[] Betas, int OutSize, int Groups) Betas(Node node, Tensor x, int[] weightShape)
    {
        int group = checked((int)node.GetInt("group", 1));
        int n = x.Shape[0], c = x.Shape[1], cg = c / group;
        var spatial = x.Shape.AsSpan(2);
        var a = SpatialAttributes.Resolve(node, spatial, weightShape[2..]);
        bool oneD = a.Rank == 1;
        int inH = oneD ? 1 : spatial[0], inW = spatial[^1];
        int kh = oneD ? 1 : a.Kernel[0], kw = a.Kernel[^1], sh = oneD ? 1 : a.Strides[0], sw = a.Strides[^1];
        int ph = oneD ? 0 : a.PadBegin[0], pw = a.PadBegin[^1], dh = oneD ? 1 : a.Dilations[0], dw = a.Dilations[^1];
        int outH = oneD ? 1 : a.Output[0], outW = a.Output[^1], outSize = outH * outW;
        int depth = cg * kh * kw;
        var xs = x.Floats;
        var betas = new float[n * group * outSize];
        for (int img = 0; img < n; img++)
            for (int g = 0; g < group; g++)
                for (int oh = 0; oh < outH; oh++)
                    for (int ow = 0; ow < outW; ow++)
                    {
                        // Same order as the im2row row the kernel sums (channel, kernel row, kernel column), in double.
                        double sum = 0;
                        for (int ch = 0; ch < cg; ch++)
                        {
                            int plane = ((img * c) + g * cg + ch) * inH * inW;
                            for (int i = 0; i < kh; i++)
                            {
                                int ih = oh * sh - ph + i * dh;
                                for (int j = 0; j < kw; j++)
                                {
                                    int iw = ow * sw - pw + j * dw;
                                    if ((uint)ih < (uint)inH && (uint)iw < (uint)inW) sum += MathF.Abs(xs[plane + ih * inW + iw]);
                                }
                            }
                        }
                        betas[(img * group + g) * outSize + oh * outW + ow] = depth == 0 ? 0f : (float)(sum / depth);
                    }
        return (betas, outSize, group);
    }

    /// <summary>sign(x) as ±1 (0 counts as +1, as the bit kernel reads it).</summary>
    public static Tensor Signs(Tensor x)
    {
        var src = x.Floats;
        var dst = new float[src.Length];
        for (int i = 0; i < src.Length; i++) dst[i] = src[i] >= 0f ? 1f : -1f;
        return new Tensor(DataType.Float, (int[])x.Shape.Clone(), dst);
    }

    /// <summary>y = β·(y' − b) + b per output position, y' being the convolution of the signs.</summary>
    public static Tensor Scale(Tensor y, float[] betas, int outSize, int groups, Tensor? bias)
    {
        var src = y.Floats;
        var dst = new float[src.Length];
        int n = y.Shape[0], m = y.Shape[1], mg = m / groups;
        var b = bias?.Floats;
        for (int img = 0; img < n; img++)
            for (int o = 0; o < m; o++)
            {
                float bo = b?[o] ?? 0f;
                int yOff = (img * m + o) * outSize, bOff = (img * groups + o / mg) * outSize;
                for (int p = 0; p < outSize; p++) dst[yOff + p] = betas[bOff + p] * (src[yOff + p] - bo) + bo;
            }
        return new Tensor(DataType.Float, (int[])y.Shape.Clone(), dst);
    }
}
