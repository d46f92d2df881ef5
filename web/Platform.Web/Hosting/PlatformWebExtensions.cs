using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Features;
using Platform.Data;
using Platform.Data.Artifacts;
using Platform.Web.Auth;
using Platform.Web.DataSets;
using Platform.Web.Health;
using Platform.Web.Jobs;
using Platform.Web.Sweeps;
using Platform.Bus.Telemetry;
using Platform.Web.Models;
using Platform.Web.Teams;
using Platform.Web.Tokens;
using Scalar.AspNetCore;

namespace Platform.Web.Hosting;

public static class PlatformWebExtensions
{
    /// <summary>Configuration key of the PostgreSQL connection string; QPLAT_PG when it is not set.</summary>
    public const string ConnectionStringName = PlatformDatabase.ConnectionStringName;

    /// <summary>
    /// Room for the multipart framing around the file: the request limits are the artifact limit plus
    /// this, so that an upload of exactly the limit gets through and the artifact check decides.
    /// </summary>
    public const long MultipartOverheadBytes = 1 << 20;

    public static WebApplicationBuilder AddPlatformWeb(this WebApplicationBuilder builder)
    {
        var connectionString = PlatformDatabase.ConnectionString(builder.Configuration);
        var artifacts = builder.Configuration.GetSection(ArtifactStoreOptions.Section).Get<ArtifactStoreOptions>() ?? new ArtifactStoreOptions();
        if (artifacts.MaxBytes <= 0)
            throw new InvalidOperationException($"{ArtifactStoreOptions.Section}:MaxBytes must be positive; it is {artifacts.MaxBytes}.");
        builder.Services.AddPlatformData(connectionString, artifacts);

        long requestLimit = artifacts.MaxBytes + MultipartOverheadBytes;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = requestLimit);
        builder.Services.Configure<FormOptions>(o =>
        {
            o.MultipartBodyLengthLimit = requestLimit;
            o.BufferBodyLengthLimit = requestLimit;
        });

        // Enums travel as camelCase strings ("quantize", "cpu", "succeeded"); input is read case-insensitively.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecuritySchemeTransformer>());
        builder.Services.AddPlatformAuth();
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", tags: [PostgresHealthCheck.ReadyTag]);
        builder.Services.AddPlatformTelemetry(builder.Configuration, "platform-web");
        builder.AddPlatformJobs();
        builder.AddPlatformSweeps();
        return builder;
    }

    public static WebApplication MapPlatformWeb(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(PostgresHealthCheck.ReadyTag) });

        var api = app.MapGroup("/api/v1").RequireAuthorization();
        api.MapTeams();
        api.MapTokens();
        api.MapModels();
        api.MapDataSets();
        api.MapJobs();
        app.MapPlatformSweeps();
        return app;
    }
}
