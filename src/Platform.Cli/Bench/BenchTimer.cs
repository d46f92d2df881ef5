using System.Diagnostics;
using Platform.Quantization.Evaluation;

namespace Platform.Cli.Bench;

/// <summary>Times one action: a warm-up, then as many single runs as fit the budget (5 to 200), median and p90.</summary>
internal static class BenchTimer
{
    public static LatencyStats Time(Action run, double budgetMs)
    {
        run();
        var sw = Stopwatch.StartNew();
        run();
        double one = Math.Max(sw.Elapsed.TotalMilliseconds, 1e-3);
        int runs = (int)Math.Clamp(budgetMs / one, 5, 200);
        return LatencyMeter.Measure(run, warmup: 1, runs: runs);
    }
}
