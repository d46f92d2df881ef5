using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.AspNetCore.Authentication;
using Platform.Bus.Telemetry;
using Platform.Data;
using Platform.Web.Auth;
using Platform.Web.Hosting;

namespace Platform.Web.Sweeps;

/// <summary>Hangfire on PostgreSQL: dispatch sweep, lease reaper, retention, and the admin dashboard.</summary>
public static class SweepsWebExtensions
{
    /// <summary>Hangfire's tables live in their own schema, beside the platform's.</summary>
    public const string HangfireSchema = "hangfire";

    /// <summary>Admin only, by bearer header or by the dashboard's token/cookie.</summary>
    public const string DashboardPolicy = "hangfire-dashboard";

    public static WebApplicationBuilder AddPlatformSweeps(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var options = SweepOptions.From(builder.Configuration);
        SweepOptions.MaxAttempts(builder.Configuration);
        services.AddSweepServices(options);

        var connectionString = builder.Configuration.GetConnectionString(PlatformWebExtensions.ConnectionStringName) is { Length: > 0 } cs
            ? cs
            : PlatformDatabase.ConnectionStringFromEnvironment();
        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = HangfireSchema,
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = options.PollInterval,
        };
        // Registered before AddHangfire, which only adds these when missing: its defaults are the
        // process-wide JobStorage.Current and JobActivator.Current, which two hosts in one process (the
        // tests) would overwrite for each other.
        services.AddSingleton<JobStorage>(_ => new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions, null), storageOptions));
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        if (options.Enabled)
        {
            services.AddHostedService<RecurringSweeps>();
            services.AddHangfireServer(o =>
            {
                o.WorkerCount = options.WorkerCount;
                o.SchedulePollingInterval = options.PollInterval;
            });
        }

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, DashboardAuthenticationHandler>(DashboardAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(DashboardPolicy, p => p
            // The dashboard scheme first: its challenge only sets the status, the bearer's writes the body.
            .AddAuthenticationSchemes(DashboardAuthenticationHandler.SchemeName, BearerTokenHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(CallerClaims.Admin, "true"));

        var telemetry = builder.Configuration.GetSection(PlatformTelemetryOptions.Section).Get<PlatformTelemetryOptions>() ?? new PlatformTelemetryOptions();
        if (telemetry.IsEnabled) services.AddHostedService<JobMetricsSampler>();
        return builder;
    }

    /// <summary>The sweep classes themselves, without Hangfire: what the Hangfire jobs resolve, and what tests call directly.</summary>
    public static IServiceCollection AddSweepServices(this IServiceCollection services, SweepOptions options)
    {
        services.AddSingleton(options);
        services.AddScoped<DispatchSweep>();
        services.AddScoped<LeaseReaper>();
        services.AddScoped<RetentionSweep>();
        return services;
    }

    public static WebApplication MapPlatformSweeps(this WebApplication app)
    {
        app.MapHangfireDashboard(DashboardAuthenticationHandler.Path, new DashboardOptions
        {
            DashboardTitle = "Platform sweeps",
            AppPath = "/",
            // The endpoint's policy decides who gets in; Hangfire's own default allows local requests only.
            Authorization = [],
            AsyncAuthorization = [],
        }).RequireAuthorization(DashboardPolicy);
        return app;
    }
}
