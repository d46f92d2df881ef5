using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using Platform.Bus;
using Platform.Bus.Telemetry;
using Platform.Contracts;
using Platform.Contracts.Messages;
using Platform.Data;
using Platform.Data.Artifacts;
using Platform.Worker.Devices;
using Platform.Worker.Jobs;
using Platform.Worker.Registration;
using Platform.Worker.Telemetry;

namespace Platform.Worker.Hosting;

/// <summary>
/// Composes the worker into a host. <see cref="AddPlatformWorker"/> is the whole worker with its own bus
/// (the worker process, tests). A host that already has a bus (one process running web and worker) calls
/// <see cref="AddPlatformWorkerServices"/>, and inside its own AddPlatformBus <see cref="AddWorkerConsumers"/>
/// and <see cref="ConfigureWorkerEndpoints"/>.
/// </summary>
public static class PlatformWorkerExtensions
{
    public const string ConnectionStringName = PlatformDatabase.ConnectionStringName;
    public const string ServiceName = "platform-worker";

    /// <summary>
    /// The worker: data access, registration and heartbeat, the quantize consumer on <c>quantize-{device}</c>
    /// and <c>quantize-any</c>, the bus (<c>Platform:Bus</c>) and telemetry. <paramref name="register"/> and
    /// <paramref name="endpoints"/> add the host's own consumers and endpoints to the same bus.
    /// </summary>
    public static IServiceCollection AddPlatformWorker(this IServiceCollection services, IConfiguration configuration, WorkerOptions options,
        Action<IBusRegistrationConfigurator>? register = null, Action<IBusRegistrationContext, IBusFactoryConfigurator>? endpoints = null)
    {
        services.AddPlatformWorkerServices(configuration, options);
        services.AddPlatformBus(configuration,
            x =>
            {
                x.AddWorkerConsumers();
                register?.Invoke(x);
            },
            (ctx, cfg) =>
            {
                ctx.ConfigureWorkerEndpoints(cfg, options);
                endpoints?.Invoke(ctx, cfg);
            });
        services.AddPlatformTelemetry(configuration, ServiceName);
        return services;
    }

    /// <summary>Everything but the bus. Adds <see cref="PlatformDbContext"/> only when the host has not already.</summary>
    public static IServiceCollection AddPlatformWorkerServices(this IServiceCollection services, IConfiguration configuration, WorkerOptions options)
    {
        if (!services.Any(d => d.ServiceType == typeof(PlatformDbContext)))
            services.AddPlatformData(ConnectionString(configuration),
                configuration.GetSection(ArtifactStoreOptions.Section).Get<ArtifactStoreOptions>() ?? new ArtifactStoreOptions());
        services.AddSingleton(options);
        services.TryAddSingleton(_ => CpuCapabilities.Detect());
        services.TryAddSingleton<IQuantizationEngine, PipelineEngine>();
        services.AddSingleton<JobSlots>();
        services.AddSingleton<JobOutcomeLog>();
        services.AddSingleton<QuantizeJobRunner>();
        services.AddHostedService<WorkerRegistration>();
        // The shared instruments (queue wait, stage durations); AddPlatformTelemetry registers the same, whichever comes first.
        services.AddMetrics();
        services.TryAddSingleton<PlatformMetrics>();
        // Only takes effect where the host turned OpenTelemetry on; adds the worker's own meter to it.
        services.ConfigureOpenTelemetryMeterProvider(b => b.AddMeter(WorkerTelemetry.Name));
        return services;
    }

    /// <summary>Registers the quantize consumer with its definition; its endpoints come from <see cref="ConfigureWorkerEndpoints"/>, not from ConfigureEndpoints.</summary>
    public static void AddWorkerConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<QuantizeModelConsumer, QuantizeModelConsumerDefinition>().ExcludeFromConfigureEndpoints();

    /// <summary>The worker's two queues: its device class's and quantize-any, both feeding the same job slots.</summary>
    public static void ConfigureWorkerEndpoints(this IBusRegistrationContext context, IBusFactoryConfigurator bus, WorkerOptions options)
    {
        foreach (var device in new[] { options.Device, DeviceClass.Any }.Distinct())
            bus.ReceiveEndpoint(Queues.Quantize(device), e =>
            {
                e.PrefetchCount = options.Concurrency;
                e.ConcurrentMessageLimit = options.Concurrency;
                e.ConfigureConsumer<QuantizeModelConsumer>(context);
            });
    }

    /// <summary><c>ConnectionStrings:Platform</c>, else $QPLAT_PG, else the local default.</summary>
    public static string ConnectionString(IConfiguration configuration) => PlatformDatabase.ConnectionString(configuration);
}
