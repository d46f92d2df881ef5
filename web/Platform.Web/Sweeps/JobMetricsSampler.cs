using Microsoft.EntityFrameworkCore;
using Platform.Bus.Telemetry;
using Platform.Contracts;
using Platform.Data;

namespace Platform.Web.Sweeps;

/// <summary>
/// Feeds the jobs-by-status and live-workers gauges of <see cref="PlatformMetrics"/> with two GROUP BY
/// counts every <see cref="PlatformTelemetryOptions.SampleInterval"/>. Registered only when telemetry
/// is on. A worker is live when its heartbeat is younger than three sample intervals or a minute.
/// </summary>
public sealed class JobMetricsSampler(
    IServiceScopeFactory scopes, PlatformMetrics metrics, PlatformTelemetryOptions options, ILogger<JobMetricsSampler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SampleInterval);
        do
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Could not count jobs and workers for the metrics; the gauges keep their last values.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One sample: counts jobs by status and live workers by device, and stores them in the gauges.</summary>
    public async Task SampleAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var jobs = await db.Jobs.GroupBy(j => j.Status).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var alive = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(1).Ticks, 3 * options.SampleInterval.Ticks));
        var since = DateTimeOffset.UtcNow - alive;
        var workers = await db.WorkerInstances.Where(w => w.LastHeartbeatAt > since)
            .GroupBy(w => w.Device).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        metrics.SetJobCounts(jobs.ToDictionary(x => x.Key, x => x.Count));
        metrics.SetWorkerCounts(workers.ToDictionary(x => x.Key, x => x.Count));
    }
}
