using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Contracts.Messages;
using Platform.Data;

namespace Platform.Web.Jobs.Consumers;

/// <summary>
/// The worker stored the variant and the Succeeded status in one transaction before publishing this, so
/// there is nothing to write: the row is read back (never overwritten, so a late or duplicate event cannot
/// regress it) and the change is announced to observers.
/// </summary>
public sealed class JobSucceededConsumer(PlatformDbContext db, JobEvents events, ILogger<JobSucceededConsumer> log) : IConsumer<JobSucceeded>
{
    public async Task Consume(ConsumeContext<JobSucceeded> context)
    {
        var m = context.Message;
        var row = await db.Jobs.AsNoTracking().Where(j => j.Id == m.JobId)
            .Select(j => new { j.TeamId, j.Status, j.Progress, j.Stage, j.Error }).FirstOrDefaultAsync(context.CancellationToken);
        if (row is null)
        {
            log.LogWarning("Job {JobId} succeeded on {WorkerId} but has no row (deleted with its model?)", m.JobId, m.WorkerId);
            return;
        }
        if (row.Status != JobStatus.Succeeded)
            log.LogWarning("Job {JobId} reported succeeded by {WorkerId} (attempt {Attempt}, variant {VariantId}) but its row says {Status}; the row stands",
                m.JobId, m.WorkerId, m.Attempt, m.VariantId, row.Status);
        else
            log.LogInformation("Job {JobId} succeeded on {WorkerId} (attempt {Attempt}): variant {VariantId}", m.JobId, m.WorkerId, m.Attempt, m.VariantId);
        events.Publish(new JobEvent(m.JobId, row.TeamId, row.Status, row.Progress, row.Stage,
            row.Status == JobStatus.Succeeded ? m.VariantId : null, row.Error, m.At));
    }
}
