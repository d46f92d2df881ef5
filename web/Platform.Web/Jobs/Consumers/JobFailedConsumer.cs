using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Contracts.Messages;
using Platform.Data;

namespace Platform.Web.Jobs.Consumers;

/// <summary>
/// As for successes: the worker stored the failure (or saw the cancel) before publishing, so the row is only
/// read back, never overwritten, and observers are told.
/// </summary>
public sealed class JobFailedConsumer(PlatformDbContext db, JobEvents events, ILogger<JobFailedConsumer> log) : IConsumer<JobFailed>
{
    public async Task Consume(ConsumeContext<JobFailed> context)
    {
        var m = context.Message;
        var row = await db.Jobs.AsNoTracking().Where(j => j.Id == m.JobId)
            .Select(j => new { j.TeamId, j.Status, j.Progress, j.Stage, j.Error }).FirstOrDefaultAsync(context.CancellationToken);
        if (row is null)
        {
            log.LogWarning("Job {JobId} failed on {WorkerId} but has no row (deleted with its model?)", m.JobId, m.WorkerId);
            return;
        }
        var expected = m.Cancelled ? JobStatus.Cancelled : JobStatus.Failed;
        if (row.Status != expected)
            log.LogWarning("Job {JobId} reported {Expected} by {WorkerId} (attempt {Attempt}: {Error}) but its row says {Status}; the row stands",
                m.JobId, expected, m.WorkerId, m.Attempt, m.Error, row.Status);
        else
            log.LogInformation("Job {JobId} {Status} on {WorkerId} (attempt {Attempt}): {Error}", m.JobId, row.Status, m.WorkerId, m.Attempt, m.Error);
        events.Publish(new JobEvent(m.JobId, row.TeamId, row.Status, row.Progress, row.Stage, null, row.Error ?? m.Error, m.At));
    }
}
