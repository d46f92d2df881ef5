using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Data;

namespace Platform.Web.Health;

/// <summary>Ready means the database answers; the app is useless without it.</summary>
public sealed class PostgresHealthCheck(PlatformDbContext db) : IHealthCheck
{
    public const string ReadyTag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("PostgreSQL does not accept connections.");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL: {e.Message}", e);
        }
    }
}
