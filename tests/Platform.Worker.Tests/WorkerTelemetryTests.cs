using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Platform.Bus.Telemetry;
using Platform.Contracts.Messages;
using Platform.Worker.Tests.Infrastructure;

namespace Platform.Worker.Tests;

public sealed class WorkerTelemetryTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_job_is_one_span_under_the_bus_consume_span_with_its_stages_timed()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var tracing = new ActivityListener
        {
            ShouldListenTo = s => s.Name is PlatformTelemetry.SourceName or "MassTransit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(tracing);
        var stages = new ConcurrentDictionary<string, double>();
        using var metrics = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PlatformMetrics.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        metrics.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name != "platform.job.stage.duration") return;
            foreach (var t in tags) if (t.Key == "stage") stages[(string)t.Value!] = value;
        });
        metrics.Start();

        var jobId = await new Seed(database).DigitsJobAsync();
        await using var worker = await WorkerTestHost.StartAsync(database);
        await worker.SendAsync(jobId);
        await Poll.UntilAsync(() => worker.Events.Of<JobSucceeded>(jobId).Count == 1, "JobSucceeded");
        await Poll.UntilAsync(() => spans.Any(IsJob), "the job's span to end");

        var job = spans.Single(IsJob);
        Assert.Equal("succeeded", job.GetTagItem("job.outcome"));
        Assert.Contains(job.Events, e => e.Name == "stage calibrate");
        var parent = spans.FirstOrDefault(s => s.SpanId == job.ParentSpanId);
        Assert.True(parent is not null && parent.Source.Name == "MassTransit", "the job span's parent is not MassTransit's consume span");
        Assert.Equal(job.TraceId, parent.TraceId);
        foreach (var stage in new[] { "staging", "calibrate", "evaluate", "store" })
            Assert.True(stages.ContainsKey(stage), $"no duration recorded for stage {stage}");

        bool IsJob(Activity a) => a.Source.Name == PlatformTelemetry.SourceName && Equals(a.GetTagItem("job.id"), jobId);
    }
}
