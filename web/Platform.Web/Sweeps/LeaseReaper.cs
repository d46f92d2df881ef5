using Platform.Bus.Telemetry;
using Platform.Data;
using Platform.Data.Jobs;

namespace Platform.Web.Sweeps;

/// <summary>
/// Takes back jobs whose worker stopped renewing its lease (crashed, killed, cut off): back to Pending
/// and sent again at once, or Failed with the reason once they used <see cref="SweepOptions.MaxAttemptsKey"/>
/// attempts. The state change is <see cref="JobLeases.ReapExpiredAsync"/>, one conditional UPDATE, so
/// two instances reaping together, or a worker finishing as it is reaped, touch each job once.
/// </summary>
public sealed class LeaseReaper(
    PlatformDbContext db, DispatchSweep dispatch, IConfiguration configuration, PlatformMetrics metrics, ILogger<LeaseReaper> log)
{
    public const string Name = "reaper";

    public async Task<IReadOnlyList<ReapedJob>> RunAsync(CancellationToken ct = default)
    {
        using var activity = PlatformTelemetry.Source.StartActivity("sweep reaper");
        var reaped = await JobLeases.ReapExpiredAsync(db, SweepOptions.MaxAttempts(configuration), ct);
        activity?.SetTag("platform.sweep.reaped", reaped.Count);
        if (reaped.Count == 0) return reaped;

        var failed = reaped.Where(r => r.Status == "Failed").ToList();
        var pending = reaped.Where(r => r.Status == "Pending").Select(r => r.JobId).ToList();
        metrics.RecordSweep(Name, "failed", failed.Count);
        metrics.RecordSweep(Name, "pending", pending.Count);
        foreach (var job in failed)
            log.LogWarning("Job {JobId} failed after {Attempt} attempts: each time its worker stopped renewing the lease.", job.JobId, job.Attempt);
        if (pending.Count > 0)
        {
            log.LogInformation("Lease reaper put {Count} job(s) back to Pending: {Jobs}", pending.Count, string.Join(", ", pending));
            // If this send fails the jobs stay Pending and the dispatch sweep sends them later.
            await dispatch.DispatchNowAsync(pending, ct);
        }
        return reaped;
    }
}
