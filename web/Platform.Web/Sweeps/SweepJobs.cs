using Hangfire;

namespace Platform.Web.Sweeps;

/// <summary>
/// What Hangfire runs: thin entry points over the plain sweep classes, resolved in the job's own DI
/// scope. A failed run is not retried (the next tick is the retry) and shows as Failed in the
/// dashboard. DisableConcurrentExecution holds a lock in the shared Hangfire storage, so a run that
/// overlaps the next tick, on this instance or another, waits instead of running twice.
/// </summary>
public sealed class SweepJobs(IServiceProvider services)
{
    public const string DispatchId = "platform-dispatch-sweep";
    public const string ReaperId = "platform-lease-reaper";
    public const string RetentionId = "platform-retention";

    [DisableConcurrentExecution(60)]
    [AutomaticRetry(Attempts = 0)]
    public Task DispatchAsync(CancellationToken ct) => services.GetRequiredService<DispatchSweep>().RunAsync(ct);

    [DisableConcurrentExecution(60)]
    [AutomaticRetry(Attempts = 0)]
    public Task ReapAsync(CancellationToken ct) => services.GetRequiredService<LeaseReaper>().RunAsync(ct);

    [DisableConcurrentExecution(600)]
    [AutomaticRetry(Attempts = 0)]
    public Task RetentionAsync(CancellationToken ct) => services.GetRequiredService<RetentionSweep>().RunAsync(ct);
}
