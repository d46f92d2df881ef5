using Platform.Quantization.Pipeline;

namespace Platform.Cli;

/// <summary>Progress on stderr, at most one line per stage per 5 percent, so long runs show they are alive.</summary>
public sealed class ProgressPrinter(TextWriter stderr) : IProgress<PipelineProgress>
{
    private string _stage = "";
    private int _lastStep = -1;

    public void Report(PipelineProgress value)
    {
        int step = (int)(value.Fraction * 20);
        if (value.Stage == _stage && step == _lastStep) return;
        _stage = value.Stage;
        _lastStep = step;
        stderr.WriteLine($"[{value.Fraction,4:P0}] {value.Stage}");
    }
}
