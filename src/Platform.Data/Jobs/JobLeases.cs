using Microsoft.EntityFrameworkCore;

namespace Platform.Data.Jobs;

/// <summary>
/// The job row is the truth and these conditional UPDATEs are the only way a job changes hands.
/// Each one checks the state it expects in its WHERE clause, so a duplicate message, a second worker,
/// a late heartbeat from a worker that lost its lease, or a reaper racing a finishing worker all touch
/// zero rows instead of corrupting the job. Run them inside the caller's transaction when the caller
/// writes more (the worker's results).
/// </summary>
public static class JobLeases
{
    /// <summary>
    /// Takes a Pending or Dispatched job: Running, leased to <paramref name="workerId"/>, attempt + 1.
    /// Returns the attempt number, or null when the job is not claimable (already running elsewhere,
    /// finished, cancelled, or unknown).
    /// </summary>
    public static async Task<int?> TryClaimAsync(PlatformDbContext db, Guid jobId, string workerId, TimeSpan lease, CancellationToken ct = default)
    {
        var attempts = await db.Database.SqlQuery<int>($"""
            UPDATE platform.jobs
               SET status = 'Running', lease_owner = {workerId}, worker_id = {workerId},
                   lease_expires_at = now() + {lease}, attempt = attempt + 1,
                   started_at = now(), progress = 0, stage = 'claimed', error = NULL,
                   -- A fast worker can claim before the submitter marks the job Dispatched.
                   dispatched_at = coalesce(dispatched_at, now())
             WHERE id = {jobId} AND status IN ('Pending', 'Dispatched')
            RETURNING attempt AS "Value"
            """).ToListAsync(ct);
        return attempts.Count == 1 ? attempts[0] : null;
    }

    /// <summary>Extends the lease. False when the worker no longer holds it (reaped, cancelled): it must stop.</summary>
    public static async Task<bool> RenewAsync(PlatformDbContext db, Guid jobId, string workerId, TimeSpan lease, CancellationToken ct = default) =>
        await db.Database.ExecuteSqlAsync($"""
            UPDATE platform.jobs SET lease_expires_at = now() + {lease}
             WHERE id = {jobId} AND status = 'Running' AND lease_owner = {workerId}
            """, ct) == 1;

    /// <summary>Records progress of the lease holder's run; a stale report (other owner, finished job) is ignored.</summary>
    public static async Task<bool> ReportProgressAsync(PlatformDbContext db, Guid jobId, string workerId, double progress, string stage, CancellationToken ct = default) =>
        await db.Database.ExecuteSqlAsync($"""
            UPDATE platform.jobs SET progress = GREATEST(progress, {Math.Clamp(progress, 0, 1)}), stage = {stage}
             WHERE id = {jobId} AND status = 'Running' AND lease_owner = {workerId}
            """, ct) == 1;

    /// <summary>
    /// Running → Succeeded for the lease holder. Call it in the transaction that writes the results and
    /// commit only when it returns true; false means the lease was lost and the results must be rolled back.
    /// </summary>
    public static async Task<bool> CompleteAsync(PlatformDbContext db, Guid jobId, string workerId, CancellationToken ct = default) =>
        await db.Database.ExecuteSqlAsync($"""
            UPDATE platform.jobs
               SET status = 'Succeeded', progress = 1, stage = 'done', finished_at = now(),
                   lease_owner = NULL, lease_expires_at = NULL, error = NULL
             WHERE id = {jobId} AND status = 'Running' AND lease_owner = {workerId}
            """, ct) == 1;

    /// <summary>Running → Failed for the lease holder, with a message a person can act on.</summary>
    public static async Task<bool> FailAsync(PlatformDbContext db, Guid jobId, string workerId, string error, CancellationToken ct = default) =>
        await db.Database.ExecuteSqlAsync($"""
            UPDATE platform.jobs
               SET status = 'Failed', finished_at = now(), lease_owner = NULL, lease_expires_at = NULL, error = {error}
             WHERE id = {jobId} AND status = 'Running' AND lease_owner = {workerId}
            """, ct) == 1;

    /// <summary>
    /// Gives a job back without counting it as an attempt (the worker is shutting down cleanly):
    /// Running → Pending, attempt − 1, so the dispatch sweep sends it again.
    /// </summary>
    public static async Task<bool> ReleaseAsync(PlatformDbContext db, Guid jobId, string workerId, CancellationToken ct = default) =>
        await db.Database.ExecuteSqlAsync($"""
            UPDATE platform.jobs
               SET status = 'Pending', attempt = GREATEST(attempt - 1, 0), lease_owner = NULL, lease_expires_at = NULL,
                   stage = 'released', dispatched_at = NULL
             WHERE id = {jobId} AND status = 'Running' AND lease_owner = {workerId}
            """, ct) == 1;

    /// <summary>Pending → Dispatched once its command is on the bus. False when it moved on meanwhile.</summary>
    public static async Task<bool> MarkDispatchedAsync(PlatformDbContext db, Guid jobId, CancellationToken ct = default) =>
        await db.Database.ExecuteSqlAsync($"""
            UPDATE platform.jobs SET status = 'Dispatched', dispatched_at = now()
             WHERE id = {jobId} AND status = 'Pending'
            """, ct) == 1;

    /// <summary>
    /// Cancels a job that has not finished. A running job's worker notices at its next heartbeat (the
    /// renewal fails) and stops; its results can no longer commit because <see cref="CompleteAsync"/> needs Running.
    /// </summary>
    public static async Task<bool> CancelAsync(PlatformDbContext db, Guid jobId, CancellationToken ct = default) =>
        await db.Database.ExecuteSqlAsync($"""
            UPDATE platform.jobs
               SET status = 'Cancelled', finished_at = now(), lease_owner = NULL, lease_expires_at = NULL
             WHERE id = {jobId} AND status IN ('Pending', 'Dispatched', 'Running')
            """, ct) == 1;

    /// <summary>
    /// The lease reaper: every Running job whose lease has expired goes back to Pending (its attempt
    /// already counted), or to Failed once it has used <paramref name="maxAttempts"/> attempts.
    /// Returns the jobs it touched and where each went.
    /// </summary>
    public static async Task<IReadOnlyList<ReapedJob>> ReapExpiredAsync(PlatformDbContext db, int maxAttempts, CancellationToken ct = default)
    {
        if (maxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(maxAttempts), maxAttempts, "at least one attempt");
        return await db.Database.SqlQuery<ReapedJob>($"""
            UPDATE platform.jobs
               SET status = CASE WHEN attempt >= {maxAttempts} THEN 'Failed' ELSE 'Pending' END,
                   error = CASE WHEN attempt >= {maxAttempts}
                                THEN 'Gave up after ' || attempt || ' attempts: the worker running it (' || coalesce(lease_owner, '?') ||
                                     ') stopped renewing its lease each time (crashed, killed or lost its connection).'
                                ELSE error END,
                   finished_at = CASE WHEN attempt >= {maxAttempts} THEN now() ELSE NULL END,
                   stage = CASE WHEN attempt >= {maxAttempts} THEN stage ELSE 'lease expired' END,
                   lease_owner = NULL, lease_expires_at = NULL, dispatched_at = NULL
             WHERE status = 'Running' AND lease_expires_at < now()
            RETURNING id AS "JobId", status AS "Status", attempt AS "Attempt"
            """).ToListAsync(ct);
    }
}
