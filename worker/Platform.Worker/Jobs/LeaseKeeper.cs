using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Data;
using Platform.Data.Jobs;

namespace Platform.Worker.Jobs;

/// <summary>
/// Renews a claimed job's lease every heartbeat while it runs. A renewal that touches no row means the job
/// was cancelled or reaped and handed on: the run is cancelled at once, since its results could not commit anyway.
/// A renewal that throws (a database blip) is retried at the next beat; the lease outlives a few of those.
/// </summary>
public sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly IServiceScopeFactory _scopes;
    private readonly Guid _jobId;
    private readonly string _workerId;
    private readonly TimeSpan _lease;
    private readonly TimeSpan _heartbeat;
    private readonly CancellationTokenSource _run;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private volatile bool _lost;
    private int _disposed;

    public LeaseKeeper(IServiceScopeFactory scopes, Guid jobId, string workerId, TimeSpan lease, TimeSpan heartbeat,
        CancellationTokenSource run, ILogger log)
    {
        _scopes = scopes; _jobId = jobId; _workerId = workerId; _lease = lease; _heartbeat = heartbeat; _run = run; _log = log;
    }

    /// <summary>True once a renewal found the job no longer ours.</summary>
    public bool Lost => _lost;

    public void Start() => _loop = Task.Run(LoopAsync);

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(_heartbeat);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await using var scope = _scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
                    if (await JobLeases.RenewAsync(db, _jobId, _workerId, _lease, _stop.Token)) continue;
                    _lost = true;
                    _log.LogWarning("Job {JobId}: lease renewal by {WorkerId} touched no row (cancelled or reaped); stopping the run", _jobId, _workerId);
                    await _run.CancelAsync();
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _log.LogWarning(e, "Job {JobId}: lease renewal failed; retrying at the next heartbeat", _jobId);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Stops renewing; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
