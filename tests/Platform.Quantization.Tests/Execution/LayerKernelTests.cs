using Platform.Quantization.Specs;

namespace Platform.Quantization.Tests.Execution;

/// <summary>
/// Every layer type and convolution shape on every format's kernel, against the fp32 runtime on the dequantized
/// weight with the input fake-quantized. Inputs quantize to the same codes in both paths, so only summation order
/// differs: 1e-4 of the output's largest magnitude.
/// </summary>
public class LayerKernelTests
{
    public static readonly Dictionary<string, LayerSpec> Formats = new()
    {
        ["int8-static-per-channel"] = new() { Weights = WeightFormat.Int8, Granularity = Granularity.PerChannel, Activations = ActivationMode.Static },
        ["int8-static-signed-acts"] = new() { Weights = WeightFormat.Int8, Activations = ActivationMode.Static, ActivationSymmetric = true },
        ["int8-dynamic-asym-per-tensor"] = new() { Weights = WeightFormat.Int8, Granularity = Granularity.PerTensor, Symmetric = false, Activations = ActivationMode.Dynamic },
        ["int8-static-4bit-acts"] = new() { Weights = WeightFormat.Int8, Activations = ActivationMode.Static, ActivationBits = 4 },
        ["int4-per-group-dynamic"] = new() { Weights = WeightFormat.Int4, Granularity = Granularity.PerGroup(8), Symmetric = false, Activations = ActivationMode.Dynamic },
        ["int4-per-channel-static"] = new() { Weights = WeightFormat.Int4, Activations = ActivationMode.Static },
        ["int4-weight-only"] = new() { Weights = WeightFormat.Int4, Granularity = Granularity.PerGroup(8), Symmetric = false },
        ["binary"] = new() { Weights = WeightFormat.Binary },
        ["xnor"] = new() { Weights = WeightFormat.Binary, Activations = ActivationMode.Dynamic, ActivationBits = 1, ActivationSymmetric = true },
        ["pq"] = new() { Weights = WeightFormat.Pq(16) },
        ["fp16"] = new() { Weights = WeightFormat.Fp16 },
        ["bf16"] = new() { Weights = WeightFormat.Bf16 },
    };

    private static readonly Dictionary<string, Func<LayerCase>> Cases = new()
    {
        ["conv3x3-pad1"] = () => LayerCase.Conv("conv3x3-pad1", [2, 3, 7, 9], 8, [3, 3], pads: [1, 1, 1, 1]),
        ["conv-stride2-asym-pads-dilation2"] = () => LayerCase.Conv("conv-stride2", [1, 4, 11, 10], 6, [3, 2], strides: [2, 2], pads: [0, 1, 2, 0], dilations: [2, 2]),
        ["conv-groups2-relu"] = () => LayerCase.Conv("conv-groups2", [1, 4, 6, 6], 6, [3, 3], group: 2, pads: [1, 1, 1, 1], relu: true),
        ["conv-depthwise"] = () => LayerCase.Conv("conv-depthwise", [2, 5, 6, 7], 5, [3, 3], group: 5, pads: [1, 1, 1, 1], strides: [1, 2]),
        ["conv1x1-no-bias"] = () => LayerCase.Conv("conv1x1", [1, 16, 4, 5], 7, [1, 1], bias: false),
        ["conv-residual-relu"] = () => LayerCase.Conv("conv-residual", [1, 3, 5, 5], 4, [3, 3], pads: [1, 1, 1, 1], residual: true),
        ["conv1d"] = () => LayerCase.Conv("conv1d", [2, 3, 17], 5, [3], strides: [2], pads: [1, 1]),
        ["gemm-transB"] = () => LayerCase.Gemm("gemm-transB", 5, 24, 7, transB: true, c: [7]),
        ["gemm-alpha-beta-row-bias"] = () => LayerCase.Gemm("gemm-alpha-beta", 4, 32, 6, transB: false, alpha: 0.5f, beta: 2f, c: [1, 6]),
        ["gemm-matrix-c"] = () => LayerCase.Gemm("gemm-matrix-c", 3, 16, 5, transB: true, c: [3, 5]),
        ["gemm-no-c"] = () => LayerCase.Gemm("gemm-no-c", 1, 40, 9, transB: false),
        ["matmul-3d"] = () => LayerCase.MatMul("matmul-3d", [2, 3, 24], 6),
    };

    public static TheoryData<string, string> All()
    {
        var d = new TheoryData<string, string>();
        foreach (var f in Formats.Keys)
            foreach (var c in Cases.Keys) d.Add(f, c);
        return d;
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Layer_on_its_kernel_matches_the_fp32_runtime_on_the_dequantized_weight(string format, string shape)
    {
        var layerCase = Cases[shape]();
        var (real, reference, plan) = layerCase.Run(Formats[format]);
        Assert.Empty(plan.FallbackLayers);
        Assert.Equal(format.Split('-')[0], plan.LayerKernels["layer"]);
        Assert.Equal(reference.Length, real.Length);
        double scale = Math.Max(1e-6, reference.Max(MathF.Abs));
        for (int i = 0; i < real.Length; i++)
            Assert.True(Math.Abs(real[i] - reference[i]) <= 1e-4 * scale,
                $"{format} {shape}: element {i} is {real[i]} on the kernel but {reference[i]} on the fp32 runtime (scale {scale})");
    }

    [Theory]
    [InlineData("int2")]
    [InlineData("int8-per-group")]
    [InlineData("int8-weight-only")]
    [InlineData("conv3d")]
    public void Layers_without_a_kernel_fall_back_to_the_fake_quant_definition_and_say_why(string what)
    {
        var spec = what switch
        {
            "int2" => new LayerSpec { Weights = WeightFormat.Int2, Granularity = Granularity.PerGroup(8), Symmetric = false },
            "int8-per-group" => new LayerSpec { Weights = WeightFormat.Int8, Granularity = Granularity.PerGroup(8), Activations = ActivationMode.Static },
            "int8-weight-only" => LayerSpec.Int8WeightOnly,
            _ => new LayerSpec { Weights = WeightFormat.Int8, Activations = ActivationMode.Dynamic },
        };
        var layerCase = what == "conv3d"
            ? LayerCase.Conv("conv3d", [1, 2, 4, 5, 6], 3, [3, 3, 3], pads: [1, 1, 1, 1, 1, 1])
            : LayerCase.Conv("conv", [1, 3, 6, 6], 4, [3, 3], pads: [1, 1, 1, 1]);
        var (real, reference, plan) = layerCase.Run(spec);
        var fallback = Assert.Single(plan.FallbackLayers);
        Assert.Equal("layer", fallback.Name);
        Assert.False(string.IsNullOrWhiteSpace(fallback.Reason));
        Assert.Equal("fallback", plan.LayerKernels["layer"]);
        Assert.Equal(reference, real);
    }

    [Fact]
    public void Fp32_layers_get_no_kernel_and_are_not_fallbacks()
    {
        var (real, reference, plan) = LayerCase.Conv("conv", [1, 3, 6, 6], 4, [3, 3]).Run(LayerSpec.Fp32);
        Assert.Empty(plan.FallbackLayers);
        Assert.Empty(plan.LayerKernels);
        Assert.Equal(reference, real);
    }
}
