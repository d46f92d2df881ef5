using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Bus.Telemetry;

/// <summary>OpenTelemetry for every host: traces and metrics, exported over OTLP when configured, off otherwise. (Skeleton.)</summary>
public static class PlatformTelemetry
{
    public static IServiceCollection AddPlatformTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName) => services;
}
