using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Platform.Quantization.Calibration;

namespace Platform.Bench;

/// <summary>
/// Threshold searches on a 2048-bin |x| histogram shaped like an activation's: a Gaussian bulk over the first
/// few hundred bins, a thin heavy tail, empty bins scattered through it. Entropy is TensorRT's search (int8:
/// 128 levels, candidates 128..2048 bins): the prefix-sum version against the naive loop it replaces (the
/// target for the fast one is under 5 ms). MSE: symmetric O(n) and asymmetric O(n²) searches.
/// </summary>
[MemoryDiagnoser]
public class EntropyBench
{
    private long[] _bins = [];

    [GlobalSetup]
    public void Setup()
    {
        var r = new Random(2048);
        _bins = new long[2048];
        for (int j = 0; j < _bins.Length; j++)
        {
            double z = j / 120.0;
            double bulk = 2_000_000 * Math.Exp(-z * z / 2);
            double tail = 40 * Math.Exp(-j / 400.0);
            _bins[j] = r.Next(10) == 0 ? 0 : (long)(bulk + tail * r.NextDouble());
        }
    }

    [Benchmark(Baseline = true)]
    public int EntropyNaive() => EntropySearch.ThresholdNaive(_bins, 128);

    [Benchmark]
    public int EntropyFast() => EntropySearch.Threshold(_bins, 128);

    [Benchmark]
    public int MseSymmetric() => MseSearch.Threshold(_bins, 127);

    [Benchmark]
    public (int, int) MseAsymmetric() => MseSearch.Range(_bins, 255);

    /// <summary>
    /// Without BenchmarkDotNet's process isolation (slow on a 2-core box): median process CPU time per call,
    /// steadier than wall time on a shared machine.
    /// </summary>
    public static void Quick()
    {
        var b = new EntropyBench();
        b.Setup();
        Console.WriteLine("Threshold search on a 2048-bin histogram; median CPU ms per call");
        Report("entropy, prefix sums", () => b.EntropyFast());
        Report("entropy, naive loop", () => b.EntropyNaive());
        Report("mse symmetric", () => b.MseSymmetric());
        Report("mse asymmetric", () => b.MseAsymmetric());
    }

    private static void Report(string name, Func<object> run)
    {
        var result = run();
        // Process CPU time ticks coarsely (10 ms on Linux): time batches of at least 100 ms of calls.
        var sw = Stopwatch.StartNew();
        int calls = 0;
        while (sw.ElapsedMilliseconds < 100) { run(); calls++; }
        var process = Process.GetCurrentProcess();
        var times = new double[5];
        for (int t = 0; t < times.Length; t++)
        {
            process.Refresh();
            var before = process.TotalProcessorTime;
            for (int c = 0; c < calls; c++) run();
            process.Refresh();
            times[t] = (process.TotalProcessorTime - before).TotalMilliseconds / calls;
        }
        Array.Sort(times);
        Console.WriteLine($"  {name,-22} {times[times.Length / 2],9:F3} ms   (threshold {result})");
    }
}
