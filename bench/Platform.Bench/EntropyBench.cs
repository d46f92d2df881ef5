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
}
