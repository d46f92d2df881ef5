using Hangfire;

namespace Platform.Web.Sweeps;

/// <summary>
/// Registers (or updates) the three recurring sweeps at start-up. Every instance does it; Hangfire keeps
/// one definition per id in the shared storage and fires each tick once, whichever server sees it first.
/// </summary>
public sealed class RecurringSweeps(IRecurringJobManager recurring, SweepOptions options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var utc = new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc };
        recurring.AddOrUpdate<SweepJobs>(SweepJobs.DispatchId, j => j.DispatchAsync(CancellationToken.None),
            SweepSchedule.Cron(options.DispatchInterval, $"{SweepOptions.Section}:{nameof(SweepOptions.DispatchInterval)}"), utc);
        recurring.AddOrUpdate<SweepJobs>(SweepJobs.ReaperId, j => j.ReapAsync(CancellationToken.None),
            SweepSchedule.Cron(options.ReaperInterval, $"{SweepOptions.Section}:{nameof(SweepOptions.ReaperInterval)}"), utc);
        recurring.AddOrUpdate<SweepJobs>(SweepJobs.RetentionId, j => j.RetentionAsync(CancellationToken.None),
            SweepSchedule.Cron(options.RetentionInterval, $"{SweepOptions.Section}:{nameof(SweepOptions.RetentionInterval)}"), utc);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
