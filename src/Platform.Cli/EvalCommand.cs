using Platform.Quantization.Pipeline;

namespace Platform.Cli;

/// <summary>`qplat eval MODEL --data DATA.npz [--json]` → accuracy, samples.</summary>
public static class EvalCommand
{
    public static int Run(CliArguments a, TextWriter stdout, TextWriter stderr)
    {
        a.RejectUnknown("data", "json", "batch", "threads", "count");
        if (a.Positional.Count != 1) throw new CliException("usage: qplat eval MODEL --data DATA.npz [--json]");
        var r = ModelEvaluator.Evaluate(a.Positional[0], a.Required("data"), a.Int("batch", 64),
            a.Option("threads") is null ? null : a.Int("threads", 1), a.Option("count") is null ? null : a.Int("count", 0),
            new ProgressPrinter(stderr));
        if (a.Flag("json")) CliJson.Write(stdout, r);
        else stdout.WriteLine(r.Accuracy is { } acc ? $"accuracy {acc:P2} (top-5 {r.Top5Accuracy:P2}) on {r.Samples} samples" : $"{r.Samples} samples (no labels `y`: no accuracy)");
        return ExitCodes.Ok;
    }
}
