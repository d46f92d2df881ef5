using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.Bus;
using Platform.Bus.Telemetry;
using Platform.Contracts;
using Platform.Data;
using Platform.Data.Jobs;

namespace Platform.Web.Sweeps;

/// <summary>
/// Sends the command of jobs whose command may never have arrived: Pending jobs past the grace period
/// (the submitting request failed between committing the row and sending) and Dispatched jobs nobody
/// claimed within the claim timeout (the message was lost). MassTransit's EF outbox is not available
/// here; this sweep is what makes "row committed" imply "command delivered, eventually". Sending twice is
/// harmless: the worker's claim is a conditional UPDATE.
/// </summary>
public sealed class DispatchSweep(
    PlatformDbContext db, ISendEndpointProvider sender, SweepOptions options, PlatformMetrics metrics, ILogger<DispatchSweep> log)
{
    public const string Name = "dispatch";

    /// <summary>Sends at most <see cref="SweepOptions.DispatchBatchSize"/> due jobs, oldest first; returns the ids it sent.</summary>
    public async Task<IReadOnlyList<Guid>> RunAsync(CancellationToken ct = default)
    {
        using var activity = PlatformTelemetry.Source.StartActivity("sweep dispatch");
        // Search jobs have no command of their own yet: only quantize jobs are sent.
        // A Dispatched job's wait doubles with each resend: the time since its last claim (or creation)
        // is how long it has been queued, and a job that waits that long behind busy workers is not lost.
        var due = await db.Database.SqlQuery<DueJob>($"""
            SELECT id AS "Id", device AS "Device", status AS "Status", dispatched_at AS "DispatchedAt"
              FROM platform.jobs
             WHERE kind = 'Quantize'
               AND ((status = 'Pending' AND created_at < now() - {options.PendingGrace})
                 OR (status = 'Dispatched' AND dispatched_at < now() - LEAST({options.MaxClaimTimeout},
                         GREATEST({options.ClaimTimeout}, dispatched_at - coalesce(started_at, created_at)))))
             ORDER BY created_at
             LIMIT {options.DispatchBatchSize}
            """).ToListAsync(ct);
        activity?.SetTag("platform.sweep.due", due.Count);
        return await SendAsync(due, ct);
    }

    /// <summary>Sends the jobs among <paramref name="jobIds"/> that are Pending now, without the grace period (the reaper's jobs).</summary>
    public async Task<IReadOnlyList<Guid>> DispatchNowAsync(IReadOnlyCollection<Guid> jobIds, CancellationToken ct = default)
    {
        if (jobIds.Count == 0) return [];
        var ids = jobIds.ToArray();
        var due = await db.Database.SqlQuery<DueJob>($"""
            SELECT id AS "Id", device AS "Device", status AS "Status", dispatched_at AS "DispatchedAt"
              FROM platform.jobs
             WHERE id = ANY({ids}) AND status = 'Pending' AND kind = 'Quantize'
             ORDER BY created_at
            """).ToListAsync(ct);
        return await SendAsync(due, ct);
    }

    private async Task<IReadOnlyList<Guid>> SendAsync(List<DueJob> due, CancellationToken ct)
    {
        var sent = new List<Guid>(due.Count);
        foreach (var job in due)
        {
            var device = Enum.Parse<DeviceClass>(job.Device);
            try
            {
                await sender.SendQuantizeAsync(job.Id, device, options.SendTimeout, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                metrics.RecordSweep(Name, "resent", sent.Count);
                throw new InvalidOperationException(
                    $"The dispatch sweep could not send QuantizeModel for job {job.Id} to its {device} queue within {options.SendTimeout} " +
                    $"({e.GetType().Name}: {e.Message}); {sent.Count} of {due.Count} due jobs were sent, the rest wait for the next run. " +
                    "Check that the message broker is reachable.", e);
            }
            // Conditional: a worker may have claimed the job meanwhile, or another instance refreshed it.
            if (job.Status == nameof(JobStatus.Pending))
                await JobLeases.MarkDispatchedAsync(db, job.Id, ct);
            else
                await JobLeases.MarkRedispatchedAsync(db, job.Id, job.DispatchedAt, ct);
            sent.Add(job.Id);
        }
        metrics.RecordSweep(Name, "resent", sent.Count);
        if (sent.Count > 0)
            log.LogInformation("Dispatch sweep sent {Count} job(s) again: {Jobs}", sent.Count, string.Join(", ", sent));
        return sent;
    }

    private sealed record DueJob(Guid Id, string Device, string Status, DateTimeOffset? DispatchedAt);
}
