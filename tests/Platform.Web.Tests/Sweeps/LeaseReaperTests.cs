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
}
