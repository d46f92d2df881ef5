using Platform.Quantization.Formats;
using Platform.Quantization.Kernels.Cpu;
using Platform.Quantization.Pipeline;

namespace Platform.Quantization.Execution;

/// <summary>Product-quantized weights × fp32 activations on <see cref="PqGemm"/> (lookup tables; the weight is never rebuilt).</summary>
internal sealed class PqLayerKernel : LayerKernel
{
    private readonly PqPackedWeights[] _packed;

    public PqLayerKernel(QuantizedLayer layer, int groups) : base(layer, groups) =>
        _packed = WeightGroups.Split(layer.Weight, groups).Select(w => PqPackedWeights.Pack((PqQuantizedWeight)w)).ToArray();

    public override string Kind => "pq";
    protected override bool TakesCodes => false;

    protected override void MultiplyFloat(int group, int m, ReadOnlySpan<float> a, int lda, Span<float> c, int ldc, ReadOnlySpan<float> bias,
        bool relu, int threads) =>
        PqGemm.Multiply(m, a, lda, _packed[group], c, ldc, bias, relu, threads);
}
