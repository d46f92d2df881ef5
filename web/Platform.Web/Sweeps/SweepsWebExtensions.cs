namespace Platform.Web.Sweeps;

/// <summary>Hangfire on PostgreSQL: dispatch sweep, lease reaper, retention, and the admin dashboard. (Skeleton.)</summary>
public static class SweepsWebExtensions
{
    public static WebApplicationBuilder AddPlatformSweeps(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapPlatformSweeps(this WebApplication app) => app;
}
