using Platform.Quantization.Evaluation;

namespace Platform.Quantization.Tests.Evaluation;

public class LatencyMeterTests
{
    private sealed class FakeClock : TimeProvider
    {
        public long Now;
        public override long TimestampFrequency => 1000; // one tick per millisecond
        public override long GetTimestamp() => Now;
    }

    [Theory]
    [InlineData(new[] { 7.0 }, 50, 7.0)]
    [InlineData(new[] { 1.0, 2, 3, 4 }, 50, 2.5)]
    [InlineData(new[] { 1.0, 2, 3, 4 }, 90, 3.7)]      // position 0.9·3 = 2.7: 3 + 0.7·(4 − 3)
    [InlineData(new[] { 1.0, 2, 3, 4, 5 }, 90, 4.6)]  // position 3.6
    [InlineData(new[] { 1.0, 2, 3, 4, 5 }, 0, 1.0)]
    [InlineData(new[] { 1.0, 2, 3, 4, 5 }, 100, 5.0)]
    public void Percentile_interpolates_between_ranks(double[] sorted, double p, double expected) =>
        Assert.Equal(expected, LatencyMeter.Percentile(sorted, p), 12);

    [Fact]
    public void Measures_after_warmup_on_a_fake_clock()
    {
        var clock = new FakeClock();
        long[] durations = [100, 100, 5, 1, 3, 2, 4]; // the two slow warm-up runs must not count
        int calls = 0;
        var stats = LatencyMeter.Measure(() => clock.Now += durations[calls++], warmup: 2, runs: 5, clock);
        Assert.Equal(7, calls);
        Assert.Equal(new LatencyStats(2, 5, MedianMs: 3, P90Ms: 4.6, MeanMs: 3, MinMs: 1, MaxMs: 5), stats with { P90Ms = Math.Round(stats.P90Ms, 9) });
    }

    [Fact]
    public void Real_clock_measures_something()
    {
        var stats = LatencyMeter.Measure(() => { var sw = System.Diagnostics.Stopwatch.StartNew(); while (sw.Elapsed.TotalMilliseconds < 2) { } }, warmup: 1, runs: 3);
        Assert.True(stats.MedianMs >= 1.5, $"median {stats.MedianMs} ms for a 2 ms busy wait");
        Assert.True(stats.MinMs <= stats.MedianMs && stats.MedianMs <= stats.P90Ms && stats.P90Ms <= stats.MaxMs);
    }

    [Fact]
    public void Rejects_no_runs() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyMeter.Measure(() => { }, 0, 0));
}
