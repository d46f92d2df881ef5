using Platform.Quantization.Pipeline;
using Platform.Worker.Jobs;

namespace Platform.Worker.Tests.Infrastructure;

/// <summary>
/// The real pipeline, held at the first progress report of stage <see cref="HoldAt"/> until released or
/// cancelled: a job that is certainly mid-run, whatever the machine's speed.
/// </summary>
public sealed class GatedEngine : IQuantizationEngine
{
    private readonly ManualResetEventSlim _release = new(false);

    public string HoldAt { get; set; } = "calibrate";
    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public bool ObservedCancellation { get; private set; }

    public void Release() => _release.Set();

    public QuantizationResult Run(QuantizationRequest request, IProgress<PipelineProgress> progress, CancellationToken cancellationToken) =>
        QuantizationPipeline.Run(request, new Gate(this, progress, cancellationToken), cancellationToken);

    private sealed class Gate(GatedEngine owner, IProgress<PipelineProgress> inner, CancellationToken ct) : IProgress<PipelineProgress>
    {
        private bool _held;

        public void Report(PipelineProgress value)
        {
            inner.Report(value);
            if (_held || value.Stage != owner.HoldAt) return;
            _held = true;
            owner.Reached.TrySetResult();
            try
            {
                owner._release.Wait(ct);
            }
            catch (OperationCanceledException)
            {
                owner.ObservedCancellation = true;
                throw;
            }
        }
    }
}
