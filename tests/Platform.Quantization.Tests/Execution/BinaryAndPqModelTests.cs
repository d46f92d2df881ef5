using Platform.Quantization.Specs;
using Platform.Quantization.Tests.Pipeline;
using Xunit.Abstractions;

namespace Platform.Quantization.Tests.Execution;

/// <summary>
/// Binary (BinaryConnect and XNOR) and PQ on the Fashion CNN, real kernels against fake-quant. BinaryConnect and PQ
/// take fp32 activations, so only summation order differs: logits within 1e-4 of their largest magnitude and the same
/// top-1 everywhere. XNOR binarizes every layer input: a value within rounding error of 0 may take the other sign in
/// one path, so the bound is on top-1 (≥ 99%) and logits within 5%.
/// </summary>
public class BinaryAndPqModelTests(FashionMnistData fashion, ITestOutputHelper output) : IClassFixture<FashionMnistData>
{
    [Theory]
    [InlineData("binary", 1e-4, 1.0)]
    [InlineData("pq", 1e-4, 1.0)]
    [InlineData("xnor", 0.05, 0.99)]
    public void Fashion_cnn_real_kernels_stay_close_to_fake_quant(string preset, double maxRelDiff, double minAgreement)
    {
        var r = RealVsFakeQuant.Quantize(TestPaths.Model("fashion_cnn_bn.onnx"), fashion.Calibration, fashion.Test, QuantSpec.Preset(preset));
        var c = RealVsFakeQuant.Compare(r, fashion.Test, 500);
        output.WriteLine($"{preset}: {c.SameTop1}/{c.Samples} same top-1, max |Δlogit| {c.MaxAbsDiff:G3} (max |logit| {c.MaxAbsLogit:G3})");
        Assert.Empty(c.Real.FallbackLayers);
        Assert.Contains(c.Real.LayerKernels.Values, k => k == preset);
        Assert.True(c.Agreement >= minAgreement, $"{preset}: real and fake-quant agree on {c.Agreement:P2} of {c.Samples} samples");
        Assert.True(c.MaxRelDiff <= maxRelDiff, $"{preset}: logits differ by up to {c.MaxAbsDiff} (max |logit| {c.MaxAbsLogit})");
    }
}
