using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Data.Entities;
using Platform.Data.Jobs;

namespace Platform.Data.Tests.Jobs;

public sealed class JobLeasesTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_pending_job_is_claimed_once_and_the_second_claim_is_a_no_op()
    {
        var id = await NewJobAsync(JobStatus.Pending);
        await using var db = database.NewContext();

        Assert.Equal(1, await JobLeases.TryClaimAsync(db, id, "w1", Lease));
        Assert.Null(await JobLeases.TryClaimAsync(db, id, "w1", Lease));
        Assert.Null(await JobLeases.TryClaimAsync(db, id, "w2", Lease));

        var job = await LoadAsync(id);
        Assert.Equal(JobStatus.Running, job.Status);
        Assert.Equal("w1", job.LeaseOwner);
        Assert.Equal("w1", job.WorkerId);
        Assert.Equal(1, job.Attempt);
        Assert.NotNull(job.StartedAt);
        Assert.True(job.LeaseExpiresAt > DateTimeOffset.UtcNow.AddSeconds(30));
    }

    [Fact]
    public async Task Concurrent_claims_by_many_workers_give_the_job_to_exactly_one()
    {
        var id = await NewJobAsync(JobStatus.Dispatched);
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            await using var db = database.NewContext();
            return await JobLeases.TryClaimAsync(db, id, $"w{i}", Lease);
        }));
        Assert.Single(claims, c => c == 1);
        Assert.Equal(7, claims.Count(c => c is null));
    }

    [Theory]
    [InlineData(JobStatus.Running)]
    [InlineData(JobStatus.Succeeded)]
    [InlineData(JobStatus.Failed)]
    [InlineData(JobStatus.Cancelled)]
    public async Task Jobs_that_are_not_waiting_cannot_be_claimed(JobStatus status)
    {
        var id = await NewJobAsync(status);
        await using var db = database.NewContext();
        Assert.Null(await JobLeases.TryClaimAsync(db, id, "w1", Lease));
        Assert.Equal(status, (await LoadAsync(id)).Status);
    }

    [Fact]
    public async Task Only_the_lease_holder_renews_reports_and_completes()
    {
        var id = await NewJobAsync(JobStatus.Pending);
        await using var db = database.NewContext();
        await JobLeases.TryClaimAsync(db, id, "w1", Lease);

        Assert.False(await JobLeases.RenewAsync(db, id, "w2", Lease));
        Assert.False(await JobLeases.ReportProgressAsync(db, id, "w2", 0.9, "stolen"));
        Assert.False(await JobLeases.CompleteAsync(db, id, "w2"));

        Assert.True(await JobLeases.RenewAsync(db, id, "w1", Lease));
        Assert.True(await JobLeases.ReportProgressAsync(db, id, "w1", 0.5, "calibrating"));
        // Progress never goes backwards (events may arrive out of order).
        Assert.True(await JobLeases.ReportProgressAsync(db, id, "w1", 0.3, "late event"));
        var running = await LoadAsync(id);
        Assert.Equal(0.5, running.Progress);

        Assert.True(await JobLeases.CompleteAsync(db, id, "w1"));
        var done = await LoadAsync(id);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(1.0, done.Progress);
        Assert.Null(done.LeaseOwner);
        Assert.NotNull(done.FinishedAt);
        Assert.False(await JobLeases.RenewAsync(db, id, "w1", Lease));
        Assert.False(await JobLeases.FailAsync(db, id, "w1", "too late"));
    }

    [Fact]
    public async Task A_cancelled_running_job_refuses_its_workers_renewal_and_completion()
    {
        var id = await NewJobAsync(JobStatus.Pending);
        await using var db = database.NewContext();
        await JobLeases.TryClaimAsync(db, id, "w1", Lease);

        Assert.True(await JobLeases.CancelAsync(db, id));
        Assert.False(await JobLeases.RenewAsync(db, id, "w1", Lease));
        Assert.False(await JobLeases.CompleteAsync(db, id, "w1"));
        Assert.False(await JobLeases.CancelAsync(db, id));
        Assert.Equal(JobStatus.Cancelled, (await LoadAsync(id)).Status);
    }

    [Fact]
    public async Task The_reaper_requeues_expired_leases_then_fails_the_job_after_the_last_attempt()
    {
        var expiring = await NewJobAsync(JobStatus.Pending);
        var alive = await NewJobAsync(JobStatus.Pending);
        await using var db = database.NewContext();

        for (int attempt = 1; attempt <= 3; attempt++)
        {
            Assert.Equal(attempt, await JobLeases.TryClaimAsync(db, expiring, $"w{attempt}", TimeSpan.FromMilliseconds(1)));
            if (attempt == 1) await JobLeases.TryClaimAsync(db, alive, "healthy", Lease);
            await Task.Delay(20);
            var reaped = await JobLeases.ReapExpiredAsync(db, maxAttempts: 3);

            var mine = Assert.Single(reaped);
            Assert.Equal(expiring, mine.JobId);
            Assert.Equal(attempt, mine.Attempt);
            Assert.Equal(attempt < 3 ? "Pending" : "Failed", mine.Status);
        }

        var failed = await LoadAsync(expiring);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Contains("3 attempts", failed.Error);
        Assert.Contains("w3", failed.Error);
        Assert.Equal(JobStatus.Running, (await LoadAsync(alive)).Status);
    }

    [Fact]
    public async Task A_released_job_goes_back_to_pending_without_using_an_attempt()
    {
        var id = await NewJobAsync(JobStatus.Dispatched);
        await using var db = database.NewContext();
        await JobLeases.TryClaimAsync(db, id, "w1", Lease);

        Assert.True(await JobLeases.ReleaseAsync(db, id, "w1"));
        var job = await LoadAsync(id);
        Assert.Equal(JobStatus.Pending, job.Status);
        Assert.Equal(0, job.Attempt);
        Assert.True(await JobLeases.MarkDispatchedAsync(db, id));
        Assert.False(await JobLeases.MarkDispatchedAsync(db, id));
    }

    private async Task<Job> LoadAsync(Guid id)
    {
        await using var db = database.NewContext();
        return await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id);
    }

    private async Task<Guid> NewJobAsync(JobStatus status)
    {
        await using var db = database.NewContext();
        var team = new Team { Id = Guid.NewGuid(), Name = "t-" + Guid.NewGuid().ToString("N"), CreatedAt = DateTimeOffset.UtcNow };
        var artifact = new Artifact { Sha256 = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"), CreatedAt = DateTimeOffset.UtcNow };
        var model = new Model { Id = Guid.NewGuid(), TeamId = team.Id, Name = "m", ArtifactSha256 = artifact.Sha256, CreatedAt = DateTimeOffset.UtcNow };
        var job = new Job { Id = Guid.NewGuid(), TeamId = team.Id, ModelId = model.Id, Status = status, Kind = JobKind.Quantize, Device = DeviceClass.Cpu, CreatedAt = DateTimeOffset.UtcNow };
        db.AddRange(team, artifact, model, job);
        await db.SaveChangesAsync();
        return job.Id;
    }
}
