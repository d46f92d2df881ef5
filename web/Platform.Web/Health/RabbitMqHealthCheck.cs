using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Bus;

namespace Platform.Web.Health;

/// <summary>
/// Ready means jobs can be dispatched and their events consumed: on RabbitMQ, the bus is connected and every
/// receive endpoint is up (MassTransit's own view of the connection); the in-memory transport is always ready.
/// </summary>
public sealed class RabbitMqHealthCheck(BusOptions options, IBusControl bus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (options.Transport == BusTransport.InMemory)
            return Task.FromResult(HealthCheckResult.Healthy("In-memory transport: no broker to reach."));
        var health = bus.CheckHealth();
        string where = Redacted(options.ResolveRabbitUri());
        return Task.FromResult(health.Status == BusHealthStatus.Healthy
            ? HealthCheckResult.Healthy($"RabbitMQ at {where}: connected.")
            : HealthCheckResult.Unhealthy($"RabbitMQ at {where}: {health.Status} ({health.Description}).", health.Exception));
    }

    private static string Redacted(Uri uri) => new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString();
}
