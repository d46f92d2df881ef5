using Platform.Quantization.Pipeline;

namespace Platform.Worker.Jobs;

/// <summary>Maps the engine's 0..1 onto the share of the whole job the engine run takes.</summary>
public sealed class ScaledProgress(IProgress<PipelineProgress> target, double from, double to) : IProgress<PipelineProgress>
{
    public void Report(PipelineProgress value) =>
        target.Report(value with { Fraction = from + (to - from) * Math.Clamp(value.Fraction, 0, 1) });
}
