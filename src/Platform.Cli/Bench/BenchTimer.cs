using System.Diagnostics;
using Platform.Quantization.Evaluation;

namespace Platform.Cli.Bench;

/// <summary>
/// Times one action: warm-up, then as many single runs as fit the budget (5 to 200), median and p90. The warm-up runs
/// the action 30 times or for half the budget, whichever ends first: .NET compiles a method first without optimisation
/// and recompiles it after ~30 calls, so a short warm-up times the first compiler's code (seen here: a model 5× slower
/// in the first of two thread counts measured).
/// </summary>
internal static class BenchTimer
{
    public static LatencyStats Time(Action run, double budgetMs)
    {
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 30 && (i < 2 || warm.Elapsed.TotalMilliseconds < budgetMs / 2); i++) run();
        var sw = Stopwatch.StartNew();
        run();
        double one = Math.Max(sw.Elapsed.TotalMilliseconds, 1e-3);
        int runs = (int)Math.Clamp(budgetMs / one, 5, 200);
        return LatencyMeter.Measure(run, warmup: 1, runs: runs);
    }
}
