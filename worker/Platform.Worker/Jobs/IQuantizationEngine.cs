using Platform.Quantization.Pipeline;

namespace Platform.Worker.Jobs;

/// <summary>
/// The engine call a job makes. <see cref="PipelineEngine"/> is the real one; tests put a gate in front of
/// it to hold a job mid-run. Called on a worker thread of its own; it must honour the token.
/// </summary>
public interface IQuantizationEngine
{
    QuantizationResult Run(QuantizationRequest request, IProgress<PipelineProgress> progress, CancellationToken cancellationToken);
}
