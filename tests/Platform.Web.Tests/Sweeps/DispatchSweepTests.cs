using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Bus.Telemetry;
using Platform.Contracts;
using Platform.Data;
using Platform.Web.Sweeps;

namespace Platform.Web.Tests.Sweeps;

public sealed class DispatchSweepTests(SweepHarness h) : IClassFixture<SweepHarness>, IAsyncLifetime
{
    public Task InitializeAsync() => h.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Resends_old_pending_and_unclaimed_dispatched_jobs_to_their_device_queue_and_leaves_the_rest()
    {
        var pendingOld = await h.AddJobAsync(JobStatus.Pending, DeviceClass.Cpu, age: TimeSpan.FromMinutes(1));
        var pendingAny = await h.AddJobAsync(JobStatus.Pending, DeviceClass.Any, age: TimeSpan.FromSeconds(30));
        var dispatchedStale = await h.AddJobAsync(JobStatus.Dispatched, DeviceClass.Cuda, age: TimeSpan.FromMinutes(11), dispatchedAgo: TimeSpan.FromMinutes(10));
        var untouched = new[]
        {
            await h.AddJobAsync(JobStatus.Pending, age: TimeSpan.Zero), // its request is still sending
            await h.AddJobAsync(JobStatus.Dispatched, age: TimeSpan.FromMinutes(2), dispatchedAgo: TimeSpan.FromMinutes(1)),
            await h.AddJobAsync(JobStatus.Running, age: TimeSpan.FromHours(1), attempt: 1),
            await h.AddJobAsync(JobStatus.Succeeded, age: TimeSpan.FromHours(1), attempt: 1),
            await h.AddJobAsync(JobStatus.Failed, age: TimeSpan.FromHours(1), attempt: 3),
            await h.AddJobAsync(JobStatus.Cancelled, age: TimeSpan.FromHours(1)),
            await h.AddJobAsync(JobStatus.Pending, age: TimeSpan.FromHours(1), kind: JobKind.Search),
        };
        var statusesBefore = await Task.WhenAll(untouched.Select(async id => (await h.JobAsync(id)).Status));
        var staleDispatchedAt = (await h.JobAsync(dispatchedStale)).DispatchedAt;

        IReadOnlyList<Guid> sent;
        await using (var scope = h.Scope())
            sent = await scope.ServiceProvider.GetRequiredService<DispatchSweep>().RunAsync();

        Assert.Equal(new[] { pendingOld, pendingAny, dispatchedStale }.Order(), sent.Order());
        var received = await h.DrainAsync();
        Assert.Equal(
            new[] { (pendingOld, "quantize-cpu"), (pendingAny, "quantize-any"), (dispatchedStale, "quantize-cuda") }.OrderBy(r => r.Item1),
            received.OrderBy(r => r.JobId));

        foreach (var id in new[] { pendingOld, pendingAny })
        {
            var job = await h.JobAsync(id);
            Assert.Equal(JobStatus.Dispatched, job.Status);
            Assert.True(job.DispatchedAt > DateTimeOffset.UtcNow.AddMinutes(-1), $"job {id} has dispatched_at {job.DispatchedAt}");
        }
        var stale = await h.JobAsync(dispatchedStale);
        Assert.Equal(JobStatus.Dispatched, stale.Status);
        Assert.True(stale.DispatchedAt > staleDispatchedAt, "the resent job's dispatched_at is refreshed, so the next run leaves it alone");
        Assert.Equal(statusesBefore, await Task.WhenAll(untouched.Select(async id => (await h.JobAsync(id)).Status)));

        // The next run finds nothing due: every job it sent is fresh again.
        await using (var scope = h.Scope())
            Assert.Empty(await scope.ServiceProvider.GetRequiredService<DispatchSweep>().RunAsync());
        Assert.Empty(await h.DrainAsync());
    }

    [Fact]
    public async Task Unclaimed_jobs_wait_longer_after_each_resend_up_to_the_cap()
    {
        // Queued behind busy workers for 3 h: dispatched 30 min ago is not stale yet (the wait is capped at 1 h, not 5 min)...
        var queuedLong = await h.AddJobAsync(JobStatus.Dispatched, age: TimeSpan.FromHours(3), dispatchedAgo: TimeSpan.FromMinutes(30));
        // ...while one resent 20 min after it was created waits 20 min, and 25 min have passed.
        var doubled = await h.AddJobAsync(JobStatus.Dispatched, age: TimeSpan.FromMinutes(45), dispatchedAgo: TimeSpan.FromMinutes(25));
        // Created 3 h ago and not seen for 61 min: past the cap.
        var pastCap = await h.AddJobAsync(JobStatus.Dispatched, age: TimeSpan.FromHours(3), dispatchedAgo: TimeSpan.FromMinutes(61));

        await using var scope = h.Scope();
        var sent = await scope.ServiceProvider.GetRequiredService<DispatchSweep>().RunAsync();

        Assert.Equal(new[] { doubled, pastCap }.Order(), sent.Order());
        Assert.DoesNotContain(queuedLong, sent);
        Assert.Equal(2, (await h.DrainAsync()).Count);
    }

    [Fact]
    public async Task A_run_sends_at_most_the_batch_size_oldest_first()
    {
        var jobs = new List<Guid>();
        for (int i = 0; i < 5; i++) jobs.Add(await h.AddJobAsync(JobStatus.Pending, age: TimeSpan.FromMinutes(10 - i)));

        await using var scope = h.Scope();
        var sp = scope.ServiceProvider;
        var small = new SweepOptions { PendingGrace = h.Options.PendingGrace, DispatchBatchSize = 2 };
        var sweep = new DispatchSweep(sp.GetRequiredService<PlatformDbContext>(), sp.GetRequiredService<ISendEndpointProvider>(), small,
            sp.GetRequiredService<PlatformMetrics>(), NullLogger<DispatchSweep>.Instance);

        Assert.Equal(jobs[..2], await sweep.RunAsync());
        Assert.Equal(jobs[2..4], await sweep.RunAsync());
        Assert.Equal(jobs[4..], await sweep.RunAsync());
        Assert.Empty(await sweep.RunAsync());
        Assert.Equal(jobs.Order(), (await h.DrainAsync()).Select(r => r.JobId).Order());
    }
}
