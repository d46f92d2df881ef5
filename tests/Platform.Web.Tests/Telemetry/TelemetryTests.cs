using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Metrics;
using Platform.Bus.Telemetry;
using Platform.Contracts;
using Platform.Data.Entities;
using Platform.Web.Sweeps;

namespace Platform.Web.Tests.Telemetry;

public sealed class TelemetryTests(TelemetryAppFixture app) : IClassFixture<TelemetryAppFixture>
{
    [Fact]
    public async Task An_http_request_produces_a_server_span_and_its_database_calls_are_children_in_the_same_trace()
    {
        // The provider hears every host in this process (the other test classes' too): the request
        // carries a trace of its own, as a caller's traceparent, to tell its spans apart.
        var trace = ActivityTraceId.CreateRandom();
        using var admin = app.Client(TelemetryAppFixture.AdminToken);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/teams");
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        var response = await admin.SendAsync(request);
        response.EnsureSuccessStatusCode();

        var server = await WaitForAsync(() => app.Spans.FirstOrDefault(s =>
            s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore" && s.TraceId == trace));
        Assert.Equal("/api/v1/teams", server.GetTagItem("url.path"));
        Assert.Equal("GET", server.GetTagItem("http.request.method"));
        Assert.StartsWith("GET /api/v1/teams", server.DisplayName);
        Assert.Equal(200, Convert.ToInt32(server.GetTagItem("http.response.status_code")));

        // The token lookup and the query run inside the request's trace.
        var database = await WaitForAsync(() => app.Spans.FirstOrDefault(s => s.Source.Name == "Npgsql" && s.TraceId == server.TraceId));
        Assert.Equal(ActivityKind.Client, database.Kind);
    }

    [Fact]
    public async Task Platform_metrics_record_queue_wait_stage_time_jobs_by_status_and_live_workers()
    {
        var metrics = app.Services.GetRequiredService<PlatformMetrics>();
        metrics.RecordQueueWait(TimeSpan.FromSeconds(2.5), DeviceClass.Cpu);
        metrics.RecordStage("telemetry-test-stage", TimeSpan.FromSeconds(1.5), DeviceClass.Cuda);

        await using (var db = app.Database.NewContext())
        {
            var now = DateTimeOffset.UtcNow;
            var team = new Team { Id = Guid.NewGuid(), Name = "telemetry", CreatedAt = now };
            var sha = new string('f', 64);
            db.Teams.Add(team);
            db.Artifacts.Add(new Artifact { Sha256 = sha, SizeBytes = 0, ChunkSize = 1, CreatedAt = now });
            var model = new Model { Id = Guid.NewGuid(), TeamId = team.Id, Name = "m", ArtifactSha256 = sha, CreatedAt = now };
            db.Models.Add(model);
            foreach (var status in new[] { JobStatus.Pending, JobStatus.Pending, JobStatus.Pending, JobStatus.Failed, JobStatus.Failed })
                db.Jobs.Add(new Job { Id = Guid.NewGuid(), TeamId = team.Id, ModelId = model.Id, Status = status, CreatedAt = now });
            db.WorkerInstances.Add(new WorkerInstance { Id = "gpu-1", Host = "h", Device = DeviceClass.Cuda, StartedAt = now, LastHeartbeatAt = now });
            db.WorkerInstances.Add(new WorkerInstance { Id = "dead", Host = "h", Device = DeviceClass.Cuda, StartedAt = now.AddDays(-1), LastHeartbeatAt = now.AddDays(-1) });
            await db.SaveChangesAsync();
        }
        var sampler = new JobMetricsSampler(app.Services.GetRequiredService<IServiceScopeFactory>(), metrics,
            app.Services.GetRequiredService<PlatformTelemetryOptions>(), NullLogger<JobMetricsSampler>.Instance);
        await sampler.SampleAsync();

        Assert.True(app.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        var exported = app.Metrics.ToList();

        Assert.Equal(3, Gauge(exported, "platform.jobs", "status", "pending"));
        Assert.Equal(2, Gauge(exported, "platform.jobs", "status", "failed"));
        Assert.Equal(0, Gauge(exported, "platform.jobs", "status", "running"));
        Assert.Equal(1, Gauge(exported, "platform.workers", "device", "cuda"));

        var wait = Points(exported, "platform.job.queue_wait").Where(p => Tag(p, "device") == "cpu").ToList();
        Assert.Contains(wait, p => p.GetHistogramCount() >= 1 && p.GetHistogramSum() >= 2.5);
        var stage = Assert.Single(Points(exported, "platform.job.stage.duration"), p => Tag(p, "stage") == "telemetry-test-stage");
        Assert.Equal(1, stage.GetHistogramCount());
        Assert.Equal(1.5, stage.GetHistogramSum(), 3);
        Assert.Equal("cuda", Tag(stage, "device"));
    }

    private static long Gauge(List<MetricSnapshot> exported, string name, string tag, string value) =>
        Points(exported, name).Where(p => Tag(p, tag) == value).Select(p => p.GetGaugeLastValueLong()).Last();

    private static List<MetricPoint> Points(List<MetricSnapshot> exported, string name)
    {
        var snapshot = exported.LastOrDefault(m => m.Name == name)
            ?? throw new Xunit.Sdk.XunitException($"no metric {name} was exported; exported: {string.Join(", ", exported.Select(m => m.Name).Distinct())}");
        return snapshot.MetricPoints.ToList();
    }

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
            if (tag.Key == key) return tag.Value?.ToString();
        return null;
    }

    private async Task<T> WaitForAsync<T>(Func<T?> find) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (find() is { } found) return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("the expected span did not end within 10 s; ended: " +
                    string.Join("; ", app.Spans.Select(s => $"{s.Source.Name} {s.Kind} {s.DisplayName}").Distinct()));
            await Task.Delay(20);
        }
    }
}
