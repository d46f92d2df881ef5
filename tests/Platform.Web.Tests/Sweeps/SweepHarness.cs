using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Bus;
using Platform.Bus.Telemetry;
using Platform.Contracts;
using Platform.Contracts.Messages;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Web.Sweeps;

namespace Platform.Web.Tests.Sweeps;

/// <summary>
/// The sweep classes without Hangfire or the web app: a fresh database, MassTransit's in-memory bus with
/// one receive endpoint per device queue that records every QuantizeModel it gets, and a team and model
/// for jobs to belong to.
/// </summary>
public sealed class SweepHarness : IAsyncLifetime
{
    public const int MaxAttempts = 3;

    private ServiceProvider? _services;

    public PostgresDatabase Database { get; } = new();

    public SweepOptions Options { get; } = new()
    {
        PendingGrace = TimeSpan.FromSeconds(5),
        ClaimTimeout = TimeSpan.FromMinutes(5),
        MaxClaimTimeout = TimeSpan.FromHours(1),
        DispatchBatchSize = 100,
        ArtifactRetentionHours = 24,
        WorkerRetentionHours = 24,
    };

    /// <summary>Every command delivered: the job and the queue it came in on.</summary>
    public ConcurrentQueue<(Guid JobId, string Queue)> Received { get; } = new();

    /// <summary>The trace each command was consumed in (null when nothing listened to MassTransit's spans).</summary>
    public ConcurrentDictionary<Guid, string?> ReceivedTraceIds { get; } = new();

    public Guid TeamId { get; } = Guid.NewGuid();
    public Guid ModelId { get; } = Guid.NewGuid();
    public string ModelSha { get; } = new('a', 64);

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Platform:Bus:Transport"] = "InMemory",
            [SweepOptions.MaxAttemptsKey] = MaxAttempts.ToString(),
        }).Build();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddPlatformData(Database.ConnectionString);
        services.AddPlatformTelemetry(configuration, "sweep-tests");
        services.AddSweepServices(Options);
        services.AddPlatformBus(configuration, endpoints: (_, cfg) =>
        {
            foreach (var device in Enum.GetValues<DeviceClass>())
            {
                var queue = Queues.Quantize(device);
                cfg.ReceiveEndpoint(queue, e =>
                {
                    // One at a time, so a sentinel sent last is received last.
                    e.ConcurrentMessageLimit = 1;
                    e.Handler<QuantizeModel>(ctx =>
                    {
                        ReceivedTraceIds[ctx.Message.JobId] = System.Diagnostics.Activity.Current?.TraceId.ToString();
                        Received.Enqueue((ctx.Message.JobId, queue));
                        return Task.CompletedTask;
                    });
                });
            }
        });
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<IBusControl>().StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        await using var db = Database.NewContext();
        var now = DateTimeOffset.UtcNow;
        db.Teams.Add(new Team { Id = TeamId, Name = "sweeps", CreatedAt = now });
        db.Artifacts.Add(new Artifact { Sha256 = ModelSha, SizeBytes = 1, ChunkSize = 1, ChunkCount = 0, CreatedAt = now.AddDays(-10) });
        db.Models.Add(new Model { Id = ModelId, TeamId = TeamId, Name = "m", ArtifactSha256 = ModelSha, CreatedAt = now });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.GetRequiredService<IBusControl>().StopAsync();
            await _services.DisposeAsync();
        }
        await Database.DisposeAsync();
    }

    public AsyncServiceScope Scope() => _services!.CreateAsyncScope();

    /// <summary>A fresh start for a test: no jobs, nothing received.</summary>
    public async Task ResetAsync()
    {
        await Database.ScalarAsync<int>("WITH d AS (DELETE FROM platform.jobs RETURNING 1) SELECT count(*)::int FROM d");
        Received.Clear();
    }

    public async Task<Guid> AddJobAsync(JobStatus status, DeviceClass device = DeviceClass.Cpu, TimeSpan? age = null,
        TimeSpan? dispatchedAgo = null, TimeSpan? leaseLeft = null, int attempt = 0, JobKind kind = JobKind.Quantize)
    {
        var now = DateTimeOffset.UtcNow;
        var job = new Job
        {
            Id = Guid.NewGuid(),
            TeamId = TeamId,
            ModelId = ModelId,
            Kind = kind,
            Status = status,
            Device = device,
            Attempt = attempt,
            CreatedAt = now - (age ?? TimeSpan.Zero),
            DispatchedAt = dispatchedAgo is { } d ? now - d : null,
        };
        if (status == JobStatus.Running)
        {
            job.LeaseOwner = job.WorkerId = "worker-under-test";
            job.LeaseExpiresAt = now + (leaseLeft ?? TimeSpan.FromMinutes(1));
            job.StartedAt = now - TimeSpan.FromMinutes(2);
            job.Stage = "calibrate";
        }
        if (status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled) job.FinishedAt = now;
        await using var db = Database.NewContext();
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return job.Id;
    }

    public async Task<Job> JobAsync(Guid id)
    {
        await using var db = Database.NewContext();
        return await db.Jobs.FindAsync(id) ?? throw new InvalidOperationException($"job {id} is gone");
    }

    /// <summary>
    /// Waits until everything sent so far has been delivered: a sentinel command goes to every queue
    /// after the sweep's sends, and each queue delivers in order. Returns what arrived, sentinels removed.
    /// </summary>
    public async Task<List<(Guid JobId, string Queue)>> DrainAsync()
    {
        var sentinel = Guid.NewGuid();
        await using (var scope = Scope())
        {
            var sender = scope.ServiceProvider.GetRequiredService<ISendEndpointProvider>();
            foreach (var device in Enum.GetValues<DeviceClass>()) await sender.SendQuantizeAsync(sentinel, device);
        }
        int queues = Enum.GetValues<DeviceClass>().Length;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (Received.Count(r => r.JobId == sentinel) < queues)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The in-memory bus did not deliver the sentinel commands within 20 s.");
            await Task.Delay(20);
        }
        var received = Received.Where(r => r.JobId != sentinel).ToList();
        Received.Clear();
        return received;
    }
}
