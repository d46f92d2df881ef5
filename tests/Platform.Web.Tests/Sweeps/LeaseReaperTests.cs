using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Web.Sweeps;

namespace Platform.Web.Tests.Sweeps;

public sealed class LeaseReaperTests(SweepHarness h) : IClassFixture<SweepHarness>, IAsyncLifetime
{
    public Task InitializeAsync() => h.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Expired_leases_go_back_to_pending_and_are_sent_at_once_or_fail_after_max_attempts()
    {
        var retried = await h.AddJobAsync(JobStatus.Running, DeviceClass.Cuda, age: TimeSpan.FromMinutes(10), leaseLeft: TimeSpan.FromSeconds(-30), attempt: 1);
        var exhausted = await h.AddJobAsync(JobStatus.Running, DeviceClass.Cpu, age: TimeSpan.FromMinutes(30), leaseLeft: TimeSpan.FromSeconds(-30), attempt: SweepHarness.MaxAttempts);
        var live = await h.AddJobAsync(JobStatus.Running, DeviceClass.Cpu, age: TimeSpan.FromMinutes(10), leaseLeft: TimeSpan.FromMinutes(1), attempt: 1);

        await using (var scope = h.Scope())
        {
            var reaped = await scope.ServiceProvider.GetRequiredService<LeaseReaper>().RunAsync();
            Assert.Equal(
                new[] { (retried, "Pending", 1), (exhausted, "Failed", SweepHarness.MaxAttempts) }.OrderBy(r => r.Item1),
                reaped.Select(r => (r.JobId, r.Status, r.Attempt)).OrderBy(r => r.JobId));
        }

        // Sent again right away, not at the dispatch sweep's next run; the attempt is kept (the claim counts it).
        Assert.Equal([(retried, "quantize-cuda")], await h.DrainAsync());
        var back = await h.JobAsync(retried);
        Assert.Equal(JobStatus.Dispatched, back.Status);
        Assert.Equal(1, back.Attempt);
        Assert.Null(back.LeaseOwner);
        Assert.Null(back.LeaseExpiresAt);
        Assert.Null(back.FinishedAt);

        var failed = await h.JobAsync(exhausted);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.NotNull(failed.FinishedAt);
        Assert.Contains($"Gave up after {SweepHarness.MaxAttempts} attempts", failed.Error);
        Assert.Contains("worker-under-test", failed.Error);

        var untouched = await h.JobAsync(live);
        Assert.Equal(JobStatus.Running, untouched.Status);
        Assert.Equal("worker-under-test", untouched.LeaseOwner);

        await using (var scope = h.Scope())
            Assert.Empty(await scope.ServiceProvider.GetRequiredService<LeaseReaper>().RunAsync());
    }

    [Fact]
    public async Task Two_instances_reaping_at_once_take_each_expired_job_exactly_once()
    {
        var jobs = new List<Guid>();
        for (int i = 0; i < 20; i++)
            jobs.Add(await h.AddJobAsync(JobStatus.Running, age: TimeSpan.FromMinutes(5), leaseLeft: TimeSpan.FromSeconds(-10), attempt: 1));

        await using var first = h.Scope();
        await using var second = h.Scope();
        var runs = await Task.WhenAll(
            first.ServiceProvider.GetRequiredService<LeaseReaper>().RunAsync(),
            second.ServiceProvider.GetRequiredService<LeaseReaper>().RunAsync());

        var reaped = runs.SelectMany(r => r).ToList();
        Assert.Equal(jobs.Order(), reaped.Select(r => r.JobId).Order());
        Assert.All(reaped, r => Assert.Equal(("Pending", 1), (r.Status, r.Attempt)));
        // Each instance sends only the jobs its own UPDATE took back: one command per job.
        Assert.Equal(jobs.Order(), (await h.DrainAsync()).Select(r => r.JobId).Order());
        foreach (var id in jobs)
            Assert.Equal((JobStatus.Dispatched, 1), ((await h.JobAsync(id)).Status, (await h.JobAsync(id)).Attempt));
    }
}
