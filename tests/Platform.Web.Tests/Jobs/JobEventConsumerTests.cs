using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Contracts.Messages;
using Platform.Data.Entities;
using Platform.Data.Jobs;
using Platform.Web.Jobs;

namespace Platform.Web.Tests.Jobs;

/// <summary>The web app's consumers of the workers' events, driven through its (in-memory) bus.</summary>
public sealed class JobEventConsumerTests(WebAppFixture app) : IClassFixture<WebAppFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private IBus Bus => app.Services.GetRequiredService<IBus>();

    [Fact]
    public async Task Progress_counts_only_from_the_lease_holder_and_never_goes_back()
    {
        var jobId = await NewRunningJobAsync("progress-team", "worker-a");
        using var probe = new ConsumedProbe<JobProgressed>(Bus, m => m.Stage);
        using var events = app.Services.GetRequiredService<JobEvents>().Subscribe();

        await probe.PublishAndWaitAsync(Bus, Progress(jobId, "worker-b", 0.9, "intruder"), Wait);
        Assert.Equal((0.0, "claimed"), await ProgressAsync(jobId));

        await probe.PublishAndWaitAsync(Bus, Progress(jobId, "worker-a", 0.5, "calibrate"), Wait);
        Assert.Equal((0.5, "calibrate"), await ProgressAsync(jobId));
        var seen = await events.WaitForAsync(e => e.JobId == jobId, Wait);
        Assert.Equal((JobStatus.Running, 0.5, "calibrate"), (seen.Status, seen.Progress, seen.Stage));

        // A late report of an earlier stage does not move the fraction back.
        await probe.PublishAndWaitAsync(Bus, Progress(jobId, "worker-a", 0.2, "load"), Wait);
        Assert.Equal(0.5, (await ProgressAsync(jobId)).Progress);

        await using (var db = app.Database.NewContext())
            Assert.True(await JobLeases.CompleteAsync(db, jobId, "worker-a"));
        await probe.PublishAndWaitAsync(Bus, Progress(jobId, "worker-a", 0.7, "evaluate"), Wait);
        Assert.Equal((1.0, "done"), await ProgressAsync(jobId));
    }

    [Fact]
    public async Task Final_events_are_announced_as_the_row_says_and_never_change_it()
    {
        var succeeded = await NewRunningJobAsync("final-team", "worker-a");
        var cancelled = await NewRunningJobAsync("final-team-2", "worker-b");
        await using (var db = app.Database.NewContext())
        {
            Assert.True(await JobLeases.CompleteAsync(db, succeeded, "worker-a"));
            Assert.True(await JobLeases.CancelAsync(db, cancelled));
        }
        using var events = app.Services.GetRequiredService<JobEvents>().Subscribe();
        using var successes = new ConsumedProbe<JobSucceeded>(Bus, m => m.VariantId.ToString());
        using var failures = new ConsumedProbe<JobFailed>(Bus, m => m.Error);

        var variantId = Guid.NewGuid();
        await successes.PublishAndWaitAsync(Bus, new JobSucceeded(succeeded, variantId, "worker-a", 1, DateTimeOffset.UtcNow), Wait);
        var done = await events.WaitForAsync(e => e.JobId == succeeded, Wait);
        Assert.Equal((JobStatus.Succeeded, variantId), (done.Status, done.VariantId));

        // A success reported for a job cancelled meanwhile: the row stands, and observers hear "cancelled".
        await successes.PublishAndWaitAsync(Bus, new JobSucceeded(cancelled, Guid.NewGuid(), "worker-b", 1, DateTimeOffset.UtcNow), Wait);
        var stood = await events.WaitForAsync(e => e.JobId == cancelled, Wait);
        Assert.Equal((JobStatus.Cancelled, null), (stood.Status, stood.VariantId));

        await failures.PublishAndWaitAsync(Bus, new JobFailed(succeeded, "worker-a", 1, "late failure", false, DateTimeOffset.UtcNow), Wait);
        Assert.Equal(JobStatus.Succeeded, (await events.WaitForAsync(e => e.JobId == succeeded, Wait)).Status);
        Assert.Equal("Succeeded", await app.Database.ScalarAsync<string>("SELECT status FROM platform.jobs WHERE id = $1", succeeded));
        Assert.Equal("Cancelled", await app.Database.ScalarAsync<string>("SELECT status FROM platform.jobs WHERE id = $1", cancelled));
    }

    [Fact]
    public async Task Observers_of_one_team_hear_only_its_jobs()
    {
        var mine = await NewRunningJobAsync("observer-team", "worker-a");
        var theirs = await NewRunningJobAsync("observer-other", "worker-b");
        Guid myTeam;
        await using (var db = app.Database.NewContext())
            myTeam = (await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == mine)).TeamId;
        using var events = app.Services.GetRequiredService<JobEvents>().Subscribe(myTeam);
        using var probe = new ConsumedProbe<JobProgressed>(Bus, m => m.Stage);

        await probe.PublishAndWaitAsync(Bus, Progress(theirs, "worker-b", 0.3, "theirs"), Wait);
        await probe.PublishAndWaitAsync(Bus, Progress(mine, "worker-a", 0.4, "mine"), Wait);
        var first = await events.WaitForAsync(_ => true, Wait);
        Assert.Equal((mine, "mine"), (first.JobId, first.Stage));
    }

    private static JobProgressed Progress(Guid jobId, string worker, double progress, string stage) =>
        new(jobId, worker, 1, progress, stage, DateTimeOffset.UtcNow);

    private async Task<(double Progress, string Stage)> ProgressAsync(Guid jobId)
    {
        await using var db = app.Database.NewContext();
        var row = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
        return (row.Progress, row.Stage!);
    }

    /// <summary>A job of a new team, claimed by <paramref name="worker"/> as a worker would.</summary>
    private async Task<Guid> NewRunningJobAsync(string team, string worker)
    {
        var data = await JobTestData.CreateAsync(app, team);
        await using var db = app.Database.NewContext();
        var model = await db.Models.AsNoTracking().SingleAsync(m => m.Id == data.ModelId);
        var job = new Job
        {
            Id = Guid.NewGuid(), TeamId = model.TeamId, Kind = JobKind.Quantize, Status = JobStatus.Pending, ModelId = model.Id,
            EvaluationDataSetId = data.DataSetId, SpecJson = "{}", Device = DeviceClass.Cpu, CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        Assert.Equal(1, await JobLeases.TryClaimAsync(db, job.Id, worker, TimeSpan.FromMinutes(5)));
        return job.Id;
    }
}
