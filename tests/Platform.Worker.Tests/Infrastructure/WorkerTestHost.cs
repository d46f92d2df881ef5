using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Bus;
using Platform.Contracts;
using Platform.Worker.Hosting;
using Platform.Worker.Jobs;

namespace Platform.Worker.Tests.Infrastructure;

/// <summary>
/// The worker composed into a generic host the way any host composes it (<see cref="PlatformWorkerExtensions.AddPlatformWorker"/>),
/// on the in-memory transport, with <see cref="EventCollector"/> standing in for the web app.
/// </summary>
public sealed class WorkerTestHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    public IServiceProvider Services => _host.Services;
    public WorkerOptions Options { get; }
    public BusEvents Events => Services.GetRequiredService<BusEvents>();
    public JobOutcomeLog Outcomes => Services.GetRequiredService<JobOutcomeLog>();

    private WorkerTestHost(IHost host, WorkerOptions options) { _host = host; Options = options; }

    public static async Task<WorkerTestHost> StartAsync(PostgresDatabase database, IQuantizationEngine? engine = null,
        IDictionary<string, string?>? settings = null, string? id = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Platform"] = database.ConnectionString,
            ["Platform:Bus:Transport"] = nameof(BusTransport.InMemory),
            ["Platform:Worker:LeaseSeconds"] = "5",
            ["Platform:Worker:HeartbeatSeconds"] = "0.25",
            ["Platform:Worker:Threads"] = "2",
            ["Platform:Worker:LatencyRuns"] = "5",
            ["Platform:Worker:ScratchDirectory"] = Path.Combine(Path.GetTempPath(), "qplat-worker-tests", Guid.NewGuid().ToString("N")[..8]),
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) values[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = WorkerOptions.FromConfiguration(configuration, DeviceClass.Cpu, id ?? "test-worker-" + Guid.NewGuid().ToString("N")[..8]);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<BusEvents>();
        if (engine is not null) builder.Services.AddSingleton<IQuantizationEngine>(engine);
        builder.Services.AddPlatformWorker(configuration, options, x => x.AddConsumer<EventCollector>());
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        var host = builder.Build();
        await host.StartAsync();
        return new WorkerTestHost(host, options);
    }

    /// <summary>Sends the command the web app sends when a job is submitted.</summary>
    public Task SendAsync(Guid jobId, DeviceClass device = DeviceClass.Cpu) =>
        Services.GetRequiredService<IBus>().SendQuantizeAsync(jobId, device);

    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
        if (Directory.Exists(Options.ScratchDirectory)) Directory.Delete(Options.ScratchDirectory, recursive: true);
    }
}
