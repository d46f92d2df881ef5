using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Messages;
using Platform.Data;
using Platform.Data.Jobs;

namespace Platform.Web.Jobs.Consumers;

/// <summary>
/// Records a worker's progress. Only the lease holder's report counts (JobLeases checks owner and status in
/// its UPDATE), and progress never goes backwards, so a redelivered, reordered or stale report changes nothing.
/// </summary>
public sealed class JobProgressedConsumer(PlatformDbContext db, JobEvents events, ILogger<JobProgressedConsumer> log) : IConsumer<JobProgressed>
{
    public async Task Consume(ConsumeContext<JobProgressed> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        if (!await JobLeases.ReportProgressAsync(db, m.JobId, m.WorkerId, m.Progress, m.Stage, ct))
        {
            log.LogDebug("Ignored progress of job {JobId} from {WorkerId} (attempt {Attempt}): it no longer holds the job", m.JobId, m.WorkerId, m.Attempt);
            return;
        }
        if (events.SubscriberCount == 0) return;
        var row = await db.Jobs.AsNoTracking().Where(j => j.Id == m.JobId)
            .Select(j => new { j.TeamId, j.Status, j.Progress, j.Stage }).FirstOrDefaultAsync(ct);
        if (row is not null)
            events.Publish(new JobEvent(m.JobId, row.TeamId, row.Status, row.Progress, row.Stage, null, null, m.At));
    }
}
