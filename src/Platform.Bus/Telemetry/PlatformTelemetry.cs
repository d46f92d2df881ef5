using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Platform.Bus.Telemetry;

/// <summary>
/// OpenTelemetry for every host: traces and metrics, exported over OTLP when configured, off otherwise.
/// The sources are the ones the libraries emit natively (ASP.NET Core, HttpClient, Npgsql, MassTransit),
/// so the worker gets the same set-up without referencing ASP.NET Core. MassTransit carries the trace
/// context in message headers: a job's trace runs from the HTTP request through the bus to the worker
/// and back through its events.
/// </summary>
public static class PlatformTelemetry
{
    /// <summary>The platform's own spans (the sweeps, the worker's stages).</summary>
    public const string SourceName = "Platform";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Native sources of the libraries we use; a source absent from a host (ASP.NET Core in the worker) costs nothing.</summary>
    public static readonly IReadOnlyList<string> TraceSources =
        [SourceName, "Microsoft.AspNetCore", "System.Net.Http", "Npgsql", "MassTransit"];

    public static readonly IReadOnlyList<string> MeterNames =
        [PlatformMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "Npgsql", "MassTransit"];

    /// <summary>
    /// Registers <see cref="PlatformMetrics"/> always (its instruments cost nothing unheard; the host's
    /// builder provides the IMeterFactory it needs) and, when
    /// <see cref="PlatformTelemetryOptions.IsEnabled"/>, the OpenTelemetry tracer and meter providers for
    /// <paramref name="serviceName"/> with the OTLP exporter if an endpoint is set.
    /// </summary>
    public static IServiceCollection AddPlatformTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var options = configuration.GetSection(PlatformTelemetryOptions.Section).Get<PlatformTelemetryOptions>() ?? new PlatformTelemetryOptions();
        if (options.SampleInterval <= TimeSpan.Zero)
            throw new InvalidOperationException($"{PlatformTelemetryOptions.Section}:SampleInterval must be positive; it is {options.SampleInterval}.");
        services.TryAddSingleton(options);
        services.TryAddSingleton<PlatformMetrics>();
        if (!options.IsEnabled) return services;

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}"))
            .WithTracing(t => t.AddSource([.. TraceSources]))
            .WithMetrics(m => m.AddMeter([.. MeterNames]));

        if (options.ResolveOtlpEndpoint() is { } endpoint)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new InvalidOperationException(
                    $"The OTLP endpoint '{endpoint}' ({PlatformTelemetryOptions.Section}:OtlpEndpoint or {PlatformTelemetryOptions.OtlpEndpointVariable}) is not an absolute http(s) URI such as http://collector:4317.");
            otel.UseOtlpExporter(ParseProtocol(options.OtlpProtocol), uri);
        }
        return services;
    }

    private static OtlpExportProtocol ParseProtocol(string protocol) => protocol.ToLowerInvariant() switch
    {
        "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" or "http" => OtlpExportProtocol.HttpProtobuf,
        _ => throw new InvalidOperationException(
            $"{PlatformTelemetryOptions.Section}:OtlpProtocol is '{protocol}'; use 'grpc' (port 4317) or 'http/protobuf' (port 4318)."),
    };
}
