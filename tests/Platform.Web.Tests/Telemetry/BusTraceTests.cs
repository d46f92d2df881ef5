using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Platform.Bus.Telemetry;
using Platform.Contracts;
using Platform.Web.Sweeps;
using Platform.Web.Tests.Sweeps;

namespace Platform.Web.Tests.Telemetry;

public sealed class BusTraceTests(SweepHarness h) : IClassFixture<SweepHarness>
{
    [Fact]
    public async Task A_command_sent_inside_a_trace_is_consumed_in_that_trace()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource([.. PlatformTelemetry.TraceSources])
            .AddProcessor(new Capture(spans))
            .Build();

        var job = await h.AddJobAsync(JobStatus.Pending, DeviceClass.Cpu, age: TimeSpan.FromMinutes(1));
        ActivityTraceId trace;
        using (var request = PlatformTelemetry.Source.StartActivity("stands in for the HTTP request", ActivityKind.Server))
        {
            Assert.NotNull(request);
            trace = request.TraceId;
            await using var scope = h.Scope();
            Assert.Contains(job, await scope.ServiceProvider.GetRequiredService<DispatchSweep>().RunAsync());
        }
        Assert.Contains(await h.DrainAsync(), r => r.JobId == job);

        // The consumer (the worker, in production) ran inside the sender's trace: MassTransit carried it in the headers.
        Assert.Equal(trace.ToString(), h.ReceivedTraceIds[job]);
        Assert.Contains(spans, s => s.TraceId == trace && s.Source.Name == PlatformTelemetry.SourceName && s.DisplayName == "sweep dispatch");
        Assert.Contains(spans, s => s.TraceId == trace && s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Producer);
    }

    private sealed class Capture(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }
}
