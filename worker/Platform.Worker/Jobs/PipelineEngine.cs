using Platform.Quantization.Pipeline;

namespace Platform.Worker.Jobs;

/// <summary>Runs <see cref="QuantizationPipeline"/>: the same call `qplat quantize` makes.</summary>
public sealed class PipelineEngine : IQuantizationEngine
{
    public QuantizationResult Run(QuantizationRequest request, IProgress<PipelineProgress> progress, CancellationToken cancellationToken) =>
        QuantizationPipeline.Run(request, progress, cancellationToken);
}
