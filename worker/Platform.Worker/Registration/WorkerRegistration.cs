using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Data;
using Platform.Worker.Devices;
using Platform.Worker.Hosting;
using Platform.Worker.Jobs;

namespace Platform.Worker.Registration;

/// <summary>
/// Keeps this worker's worker_instances row: upserted at start (host, device, capabilities), its
/// last_heartbeat_at touched every heartbeat, deleted on a clean stop. A crashed worker's row stays
/// with a stale heartbeat, which is how the portal tells the living from the dead. At start it also clears
/// the scratch files a killed predecessor with the same id left behind.
/// </summary>
public sealed class WorkerRegistration(
    IServiceScopeFactory scopes, WorkerOptions options, CpuCapabilities cpu, ILogger<WorkerRegistration> log) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Registered before the bus starts consuming, so a job's worker_id always has a row to point at.
        await UpsertAsync(cancellationToken);
        JobScratch.CleanLeftovers(JobScratch.WorkerRoot(options.ScratchDirectory, options.Id));
        log.LogInformation("Worker {WorkerId} registered: {Device} on {Cpu}, {Cores} cores, {Isa}",
            options.Id, options.Device, cpu.Model, cpu.Cores, string.Join(' ', cpu.Isa));
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Heartbeat);
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
                int touched = await db.Database.ExecuteSqlAsync(
                    $"UPDATE platform.worker_instances SET last_heartbeat_at = now() WHERE id = {options.Id}", stoppingToken);
                // Someone removed the row (a cleanup of dead workers): put it back.
                if (touched == 0) await UpsertAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Worker {WorkerId}: heartbeat failed; trying again in {Heartbeat}", options.Id, options.Heartbeat);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
            await db.Database.ExecuteSqlAsync($"DELETE FROM platform.worker_instances WHERE id = {options.Id}", cancellationToken);
            log.LogInformation("Worker {WorkerId} deregistered", options.Id);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Worker {WorkerId}: could not remove its row on stop; its heartbeat will go stale", options.Id);
        }
    }

    private async Task UpsertAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        string host = Environment.MachineName, device = options.Device.ToString(), caps = cpu.ToJson();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO platform.worker_instances (id, host, device, capabilities_json, started_at, last_heartbeat_at)
            VALUES ({options.Id}, {host}, {device}, CAST({caps} AS jsonb), now(), now())
            ON CONFLICT (id) DO UPDATE
               SET host = EXCLUDED.host, device = EXCLUDED.device, capabilities_json = EXCLUDED.capabilities_json,
                   started_at = EXCLUDED.started_at, last_heartbeat_at = EXCLUDED.last_heartbeat_at
            """, ct);
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
