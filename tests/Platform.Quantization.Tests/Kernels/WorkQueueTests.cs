using Platform.Quantization.Kernels.Cpu;

namespace Platform.Quantization.Tests.Kernels;

public class WorkQueueTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(100, 3)]
    [InlineData(2, 8)]
    public void Every_unit_runs_exactly_once(int count, int threads)
    {
        var hits = new int[count];
        for (int round = 0; round < 50; round++)
        {
            WorkQueue.Run(count, threads, i => Interlocked.Increment(ref hits[i]));
            Assert.All(hits, h => Assert.Equal(round + 1, h));
        }
    }

    [Fact]
    public void Concurrent_callers_each_get_all_their_units()
    {
        var totals = new int[4];
        Parallel.For(0, 4, c =>
        {
            for (int round = 0; round < 100; round++) WorkQueue.Run(10, 2, _ => Interlocked.Increment(ref totals[c]));
        });
        Assert.All(totals, t => Assert.Equal(1000, t));
    }

    [Fact]
    public void An_exception_in_a_unit_reaches_the_caller()
    {
        var e = Assert.Throws<InvalidOperationException>(() => WorkQueue.Run(8, 2, i => { if (i == 5) throw new InvalidOperationException("unit 5"); }));
        Assert.Equal("unit 5", e.Message);
    }
}
