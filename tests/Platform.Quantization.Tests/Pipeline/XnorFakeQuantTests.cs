using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;
using Platform.Quantization.Tests.Execution;

namespace Platform.Quantization.Tests.Pipeline;

/// <summary>
/// XNOR-Net fake quantization of a convolution uses the K map: β per output position = mean |x| over the C·kh·kw
/// values of its patch (padding zeros counted), the signs of the real positions only — what the bit kernel computes.
/// </summary>
public class XnorFakeQuantTests
{
    [Fact]
    public void Conv_output_is_alpha_times_patch_beta_times_the_sign_dot_product()
    {
        float[] x = [0.5f, -1f, 2f, -0.25f, 1f, -3f, 0.75f, -0.5f, 1.5f];
        var layerCase = LayerCase.Conv("xnor", [1, 1, 3, 3], 1, [3, 3], pads: [1, 1, 1, 1], bias: false);
        layerCase.Graph.Initializers["w"] = Tensor.FromArray(new[] { 1f, 2f, 3f, 1f, 2f, 3f, 1f, 2f, 3f }, 1, 1, 3, 3);
        layerCase.Inputs["x"] = Tensor.FromArray(x, 1, 1, 3, 3);
        var spec = new LayerSpec { Weights = WeightFormat.Binary, Activations = ActivationMode.Dynamic, ActivationBits = 1, ActivationSymmetric = true };
        var (real, reference, _) = layerCase.Run(spec);

        const float alpha = 2f; // mean |w|; every weight is positive
        float Sign(float v) => v >= 0 ? 1f : -1f;
        // Centre: the patch is the whole image.
        float centreBeta = x.Sum(MathF.Abs) / 9f;
        float centre = alpha * centreBeta * x.Sum(Sign);
        // Top-left corner: four real values (x[0], x[1], x[3], x[4]) and five padding zeros, which count in β but add no sign.
        float cornerBeta = (MathF.Abs(x[0]) + MathF.Abs(x[1]) + MathF.Abs(x[3]) + MathF.Abs(x[4])) / 9f;
        float corner = alpha * cornerBeta * (Sign(x[0]) + Sign(x[1]) + Sign(x[3]) + Sign(x[4]));
        Assert.Equal(centre, reference[4], 4);
        Assert.Equal(corner, reference[0], 4);
        Assert.Equal(centre, real[4], 4);
        Assert.Equal(corner, real[0], 4);
    }
}
