using Hangfire;
using Hangfire.PostgreSql;
using Npgsql;

namespace Platform.Web.Sweeps;

/// <summary>
/// Prepares Hangfire's schema, registers the recurring sweeps and runs this instance's Hangfire server.
/// PostgreSQL being down at start-up must not stop the web app (liveness stays green, readiness says
/// why): one attempt is made while the host starts, so a healthy start is ready at once, and if it fails
/// the attempts go on in the background. Every instance registers the same definitions; Hangfire keeps
/// one per id in the shared storage and fires each tick once, whichever server sees it first.
/// </summary>
public sealed class SweepsServer(
    JobStorage storage, JobActivator activator, IRecurringJobManager recurring, SweepOptions options,
    string connectionString, ILogger<SweepsServer> log) : IHostedService, IAsyncDisposable
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private Task? _retrying;
    private BackgroundJobServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await TryPrepareAsync(cancellationToken)) StartServer();
        else _retrying = RetryAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_retrying is not null) await _retrying;
        if (_server is { } server)
        {
            server.SendStop();
            try
            {
                await server.WaitForShutdownAsync(cancellationToken);
            }
            catch (ObjectDisposedException)
            {
                // A server that finished stopping before the wait began has disposed the handle the wait registers on
                // (seen in a test run: stopped in 14 ms): it has shut down, which is all this waits for.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        _server?.Dispose();
        await Task.CompletedTask;
    }

    private async Task RetryAsync(CancellationToken ct)
    {
        try
        {
            do await Task.Delay(RetryDelay, ct);
            while (!await TryPrepareAsync(ct));
            StartServer();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> TryPrepareAsync(CancellationToken ct)
    {
        try
        {
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync(ct);
                // What PrepareSchemaIfNecessary does in the storage's constructor, moved here so that
                // constructing the storage (the dashboard does it at start-up) never needs the database.
                PostgreSqlObjectsInstaller.Install(connection, SweepsWebExtensions.HangfireSchema);
            }
            if (options.Enabled) RegisterRecurringJobs();
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            log.LogWarning("Hangfire is not ready: could not prepare its schema '{Schema}' or register the sweeps ({Error}). Retrying every {Delay}.",
                SweepsWebExtensions.HangfireSchema, e.Message, RetryDelay);
            return false;
        }
    }

    private void RegisterRecurringJobs()
    {
        var utc = new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc };
        recurring.AddOrUpdate<SweepJobs>(SweepJobs.DispatchId, j => j.DispatchAsync(CancellationToken.None),
            SweepSchedule.Cron(options.DispatchInterval, $"{SweepOptions.Section}:{nameof(SweepOptions.DispatchInterval)}"), utc);
        recurring.AddOrUpdate<SweepJobs>(SweepJobs.ReaperId, j => j.ReapAsync(CancellationToken.None),
            SweepSchedule.Cron(options.ReaperInterval, $"{SweepOptions.Section}:{nameof(SweepOptions.ReaperInterval)}"), utc);
        recurring.AddOrUpdate<SweepJobs>(SweepJobs.RetentionId, j => j.RetentionAsync(CancellationToken.None),
            SweepSchedule.Cron(options.RetentionInterval, $"{SweepOptions.Section}:{nameof(SweepOptions.RetentionInterval)}"), utc);
    }

    private void StartServer()
    {
        if (!options.Enabled) return;
        _server = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            WorkerCount = options.WorkerCount,
            SchedulePollingInterval = options.PollInterval,
            // This host's container, not the process-wide JobActivator.Current another host may have set.
            Activator = activator,
        }, storage);
        log.LogInformation("Hangfire server started: dispatch every {Dispatch}, reaper every {Reaper}, retention every {Retention}.",
            options.DispatchInterval, options.ReaperInterval, options.RetentionInterval);
    }
}
