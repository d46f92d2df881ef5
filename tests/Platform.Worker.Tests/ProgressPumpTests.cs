using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Quantization.Pipeline;
using Platform.Worker.Jobs;

namespace Platform.Worker.Tests;

public sealed class ProgressPumpTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
    }

    [Fact]
    public async Task Sends_every_stage_change_and_within_a_stage_at_most_one_report_per_interval()
    {
        var sent = new ConcurrentQueue<PipelineProgress>();
        var clock = new ManualClock { Ticks = TimeSpan.TicksPerHour };
        var pump = new ProgressPump(p => { sent.Enqueue(p); return Task.CompletedTask; }, TimeSpan.FromMilliseconds(250), NullLogger.Instance, clock);

        for (int i = 0; i < 100; i++) pump.Report(new("calibrate", i / 1000.0));   // a hot loop: one report gets through
        clock.Ticks += TimeSpan.FromMilliseconds(100).Ticks;
        pump.Report(new("calibrate", 0.2));                                          // too soon
        clock.Ticks += TimeSpan.FromMilliseconds(200).Ticks;
        pump.Report(new("calibrate", 0.3));                                          // 300 ms since the last one sent
        pump.Report(new("quantize", 0.35));                                          // a new stage always goes
        pump.Report(new("quantize", 0.36));
        await pump.CompleteAsync();

        Assert.Equal([("calibrate", 0.0), ("calibrate", 0.3), ("quantize", 0.35)], sent.Select(p => (p.Stage, p.Fraction)));
    }

    [Fact]
    public async Task A_failing_send_does_not_stop_the_next_ones()
    {
        int calls = 0;
        var pump = new ProgressPump(_ => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("bus down") : Task.CompletedTask,
            TimeSpan.Zero, NullLogger.Instance);
        pump.Report(new("load", 0));
        pump.Report(new("calibrate", 0.1));
        await pump.CompleteAsync();
        Assert.Equal(2, calls);
    }
}
