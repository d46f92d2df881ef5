using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Bus;
using Platform.Web.Batches;
using Platform.Web.Health;
using Platform.Web.Jobs.Consumers;
using Platform.Web.Variants;

namespace Platform.Web.Jobs;

/// <summary>Jobs, batches and variants: the bus, its event consumers and the /api/v1 endpoints.</summary>
public static class JobsWebExtensions
{
    /// <summary>Name of the readiness check that covers the broker.</summary>
    public const string RabbitMqCheck = "rabbitmq";

    public static WebApplicationBuilder AddPlatformJobs(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        options.Validate();
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<JobEvents>();
        services.AddSingleton<SubmitRateLimit>();
        services.AddScoped<JobSubmission>();

        services.AddPlatformBus(builder.Configuration, x =>
        {
            x.AddConsumer<JobProgressedConsumer, JobProgressedConsumerDefinition>();
            x.AddConsumer<JobSucceededConsumer, JobSucceededConsumerDefinition>();
            x.AddConsumer<JobFailedConsumer, JobFailedConsumerDefinition>();
        });

        // Readiness on the broker is decided by RabbitMqHealthCheck, whose message names the address; MassTransit's
        // own bus check stays registered (tag "masstransit") but no longer gates /health/ready.
        services.AddHealthChecks().AddCheck<RabbitMqHealthCheck>(RabbitMqCheck, tags: [PostgresHealthCheck.ReadyTag]);
        services.PostConfigure<HealthCheckServiceOptions>(o =>
        {
            foreach (var r in o.Registrations.Where(r => r.Name != RabbitMqCheck && r.Tags.Contains("masstransit")))
                r.Tags.Remove(PostgresHealthCheck.ReadyTag);
        });
        return builder;
    }

    public static RouteGroupBuilder MapJobs(this RouteGroupBuilder api)
    {
        api.MapJobEndpoints();
        api.MapBatches();
        api.MapVariants();
        return api;
    }
}
