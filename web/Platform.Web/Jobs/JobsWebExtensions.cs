namespace Platform.Web.Jobs;

/// <summary>Jobs, batches and variants: the bus, its event consumers and the /api/v1 endpoints. (Skeleton: filled in by the jobs work.)</summary>
public static class JobsWebExtensions
{
    public static WebApplicationBuilder AddPlatformJobs(this WebApplicationBuilder builder) => builder;

    public static RouteGroupBuilder MapJobs(this RouteGroupBuilder api) => api;
}
