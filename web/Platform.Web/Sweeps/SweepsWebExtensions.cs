using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.AspNetCore.Authentication;
using OpenTelemetry.Trace;
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

        var connectionString = PlatformDatabase.ConnectionString(builder.Configuration);
        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = HangfireSchema,
            // SweepsServer installs the schema, with retries: the storage's constructor would need the
            // database at start-up, and the web app must start (live, not ready) without it.
            PrepareSchemaIfNecessary = false,
            QueuePollInterval = options.PollInterval,
        };
        // Registered before AddHangfire, which only adds these when missing: its defaults are the
        // process-wide JobStorage.Current and JobActivator.Current, which two hosts in one process (the
        // tests) would overwrite for each other.
        services.AddSingleton<JobStorage>(_ => new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions, null), storageOptions)
        {
            // The sweeps leave thousands of succeeded runs a day; an hour of them is enough to look back on.
            JobExpirationTimeout = TimeSpan.FromHours(1),
        });
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<SweepsServer>(sp, connectionString));

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, DashboardAuthenticationHandler>(DashboardAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(DashboardPolicy, p => p
            // The dashboard scheme first: its challenge only sets the status, the bearer's writes the body.
            .AddAuthenticationSchemes(DashboardAuthenticationHandler.SchemeName, BearerTokenHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(CallerClaims.Admin, "true"));

        var telemetry = builder.Configuration.GetSection(PlatformTelemetryOptions.Section).Get<PlatformTelemetryOptions>() ?? new PlatformTelemetryOptions();
        if (telemetry.IsEnabled)
        {
            services.AddHostedService<JobMetricsSampler>();
            // ASP.NET Core's native server span is bare (no method, route or status): the instrumentation
            // names it and tags it. It lives here, not in Platform.Bus, so the worker does not need ASP.NET
            // Core. Health probes are left out: they would be most of the spans.
            services.ConfigureOpenTelemetryTracerProvider(t => t.AddAspNetCoreInstrumentation(o =>
                o.Filter = http => !http.Request.Path.StartsWithSegments("/health")));
        }
        return builder;
    }

    /// <summary>The sweep classes themselves, without Hangfire: what the Hangfire jobs resolve, and what tests call directly.</summary>
    public static IServiceCollection AddSweepServices(this IServiceCollection services, SweepOptions options)
    {
        services.AddSingleton(options);
        // Factories rather than types: the bus (ISendEndpointProvider) comes from the jobs feature, and
        // the container's start-up validation must not fail a host whose bus is registered elsewhere or later.
        services.AddScoped(sp => ActivatorUtilities.CreateInstance<DispatchSweep>(sp));
        services.AddScoped(sp => ActivatorUtilities.CreateInstance<LeaseReaper>(sp));
        services.AddScoped(sp => ActivatorUtilities.CreateInstance<RetentionSweep>(sp));
        return services;
    }

    public static WebApplication MapPlatformSweeps(this WebApplication app)
    {
        // Runs after authorization: an admin who came with ?token= has its cookie now, so the token leaves
        // the address bar and the browser history by a redirect to the same page without it.
        app.Use((http, next) =>
        {
            if (HttpMethods.IsGet(http.Request.Method)
                && http.Request.Path.StartsWithSegments(DashboardAuthenticationHandler.Path)
                && http.Request.Query.ContainsKey(DashboardAuthenticationHandler.QueryParameter)
                && http.User.HasClaim(CallerClaims.Admin, "true"))
            {
                var rest = http.Request.Query.Where(q => q.Key != DashboardAuthenticationHandler.QueryParameter)
                    .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)));
                http.Response.Redirect(http.Request.PathBase + http.Request.Path + QueryString.Create(rest));
                return Task.CompletedTask;
            }
            return next(http);
        });
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
