using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Contracts.Messages;
using Platform.Data.Jobs;
using Platform.Worker.Jobs;
using Platform.Worker.Tests.Infrastructure;

namespace Platform.Worker.Tests;

/// <summary>A job stopped mid-run (held in calibration by <see cref="GatedEngine"/>): cancelled, lease lost, worker shutting down.</summary>
public sealed class JobStopTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private readonly Seed _seed = new(database);

    [Fact]
    public async Task Cancelling_a_running_job_stops_it_and_stores_no_variant()
    {
        var jobId = await _seed.DigitsJobAsync();
        var engine = new GatedEngine();
        await using var worker = await WorkerTestHost.StartAsync(database, engine);
        await worker.SendAsync(jobId);
        await engine.Reached.Task.WaitAsync(Poll.DefaultTimeout);

        await using (var db = database.NewContext())
            Assert.True(await JobLeases.CancelAsync(db, jobId));
        await Poll.UntilAsync(() => worker.Outcomes.For(jobId).Count == 1, "the cancelled run to stop");

        Assert.True(engine.ObservedCancellation);
        Assert.Equal(JobOutcome.Cancelled, worker.Outcomes.For(jobId)[0]);
        Assert.Equal(JobStatus.Cancelled, (await _seed.JobRowAsync(jobId)).Status);
        Assert.Empty(await _seed.VariantsAsync(jobId));
        var failed = Assert.Single(worker.Events.Of<JobFailed>(jobId));
        Assert.True(failed.Cancelled);
        Assert.Empty(worker.Events.Of<JobSucceeded>(jobId));
    }

    [Fact]
    public async Task A_failed_lease_renewal_cancels_the_run()
    {
        var jobId = await _seed.DigitsJobAsync();
        var engine = new GatedEngine();
        await using var worker = await WorkerTestHost.StartAsync(database, engine);
        await worker.SendAsync(jobId);
        await engine.Reached.Task.WaitAsync(Poll.DefaultTimeout);

        // As if the reaper had taken the job back and another worker claimed it.
        await using (var db = database.NewContext())
            await db.Database.ExecuteSqlAsync($"UPDATE platform.jobs SET lease_owner = 'thief', attempt = 2 WHERE id = {jobId}");
        await Poll.UntilAsync(() => worker.Outcomes.For(jobId).Count == 1, "the run to stop after losing its lease");

        Assert.True(engine.ObservedCancellation);
        Assert.Equal(JobOutcome.LeaseLost, worker.Outcomes.For(jobId)[0]);
        var job = await _seed.JobRowAsync(jobId);
        Assert.Equal((JobStatus.Running, "thief", 2), (job.Status, job.LeaseOwner, job.Attempt));
        Assert.Empty(await _seed.VariantsAsync(jobId));
        Assert.Empty(worker.Events.Of<JobFailed>(jobId));
        Assert.Empty(worker.Events.Of<JobSucceeded>(jobId));
    }

    [Fact]
    public async Task Stopping_the_worker_mid_job_releases_it_without_using_an_attempt()
    {
        var jobId = await _seed.DigitsJobAsync();
        var engine = new GatedEngine();
        await using var worker = await WorkerTestHost.StartAsync(database, engine);
        await worker.SendAsync(jobId);
        await engine.Reached.Task.WaitAsync(Poll.DefaultTimeout);
        Assert.Equal(1, (await _seed.JobRowAsync(jobId)).Attempt);

        await worker.StopAsync();

        Assert.True(engine.ObservedCancellation);
        Assert.Equal([JobOutcome.Released], worker.Outcomes.For(jobId));
        var job = await _seed.JobRowAsync(jobId);
        Assert.Equal((JobStatus.Pending, 0, (string?)null, "released"), (job.Status, job.Attempt, job.LeaseOwner, job.Stage));
        Assert.Empty(await _seed.VariantsAsync(jobId));
    }

    [Fact]
    public async Task A_released_job_runs_to_the_end_when_sent_again()
    {
        var jobId = await _seed.DigitsJobAsync();
        var engine = new GatedEngine();
        await using (var first = await WorkerTestHost.StartAsync(database, engine))
        {
            await first.SendAsync(jobId);
            await engine.Reached.Task.WaitAsync(Poll.DefaultTimeout);
        }
        Assert.Equal(JobStatus.Pending, (await _seed.JobRowAsync(jobId)).Status);

        await using var second = await WorkerTestHost.StartAsync(database);
        await second.SendAsync(jobId);
        await Poll.UntilAsync(() => second.Events.Of<JobSucceeded>(jobId).Count == 1, "the re-sent job to succeed");
        Assert.Equal(1, (await _seed.JobRowAsync(jobId)).Attempt);
        Assert.Single(await _seed.VariantsAsync(jobId));
    }
}
