using Platform.Quantization.Formats;
using Platform.Quantization.Kernels.Cpu;
using Platform.Quantization.Pipeline;

namespace Platform.Quantization.Execution;

/// <summary>fp16/bf16 weights × fp32 activations on <see cref="HalfGemm"/> (fp32 accumulation).</summary>
internal sealed class HalfLayerKernel : LayerKernel
{
    private readonly HalfPackedWeights[] _packed;

    public HalfLayerKernel(QuantizedLayer layer, int groups) : base(layer, groups) =>
        _packed = WeightGroups.Split(layer.Weight, groups).Select(w => HalfPackedWeights.Pack((FloatQuantizedWeight)w)).ToArray();

    public override string Kind => Layer.Spec.Weights.Name;
    protected override bool TakesCodes => false;

    protected override void MultiplyFloat(int group, int m, ReadOnlySpan<float> a, int lda, Span<float> c, int ldc, ReadOnlySpan<float> bias,
        bool relu, int threads) =>
        HalfGemm.Multiply(m, a, lda, _packed[group], c, ldc, bias, relu, threads);
}
