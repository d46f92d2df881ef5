using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Platform.Bus.Telemetry;
using Platform.Data;
using Platform.Data.Artifacts;
using Platform.Data.Entities;

namespace Platform.Web.Sweeps;

/// <summary>
/// Deletes artifacts that nothing references any more (a deleted model's bytes, a data set replaced)
/// once they are older than <see cref="SweepOptions.ArtifactRetentionHours"/>, and worker rows whose last
/// heartbeat is older than <see cref="SweepOptions.WorkerRetentionHours"/>. Each artifact goes through
/// <see cref="ArtifactStore.DeleteIfUnreferencedAsync"/>, which checks the references again in its DELETE,
/// so a row that starts referencing the artifact meanwhile keeps it.
/// </summary>
public sealed class RetentionSweep(
    PlatformDbContext db, ArtifactStore store, SweepOptions options, PlatformMetrics metrics, ILogger<RetentionSweep> log)
{
    public const string Name = "retention";

    public async Task<RetentionResult> RunAsync(CancellationToken ct = default)
    {
        using var activity = PlatformTelemetry.Source.StartActivity("sweep retention");
        var candidates = await db.Database.SqlQuery<string>(CandidatesQuery()).ToListAsync(ct);
        int artifacts = 0;
        foreach (var sha in candidates)
            if (await store.DeleteIfUnreferencedAsync(sha, ct)) artifacts++;

        int workers = await db.Database.ExecuteSqlAsync($"""
            DELETE FROM platform.worker_instances WHERE last_heartbeat_at < now() - {options.WorkerRetention}
            """, ct);

        metrics.RecordSweep(Name, "artifact deleted", artifacts);
        metrics.RecordSweep(Name, "worker deleted", workers);
        activity?.SetTag("platform.sweep.artifacts_deleted", artifacts);
        if (artifacts > 0 || workers > 0)
            log.LogInformation("Retention deleted {Artifacts} unreferenced artifact(s) and {Workers} silent worker row(s).", artifacts, workers);
        return new RetentionResult(artifacts, workers);
    }

    /// <summary>
    /// Old artifacts with no referencing row, oldest first. The references come from the model (every
    /// foreign key to artifacts), as in <see cref="ArtifactStore.DeleteIfUnreferencedAsync"/>, so a new
    /// table that points at artifacts protects its bytes without touching this sweep.
    /// </summary>
    private FormattableString CandidatesQuery()
    {
        var artifact = db.Model.FindEntityType(typeof(Artifact))!;
        var unreferenced = string.Concat(artifact.GetReferencingForeignKeys().Select(fk =>
            $" AND NOT EXISTS (SELECT 1 FROM {Quote(fk.DeclaringEntityType.GetSchema())}.{Quote(fk.DeclaringEntityType.GetTableName()!)} r" +
            $" WHERE r.{Quote(fk.Properties[0].GetColumnName())} = a.sha256)"));
        return FormattableStringFactory.Create(
            $$"""SELECT a.sha256 AS "Value" FROM {{PlatformDbContext.Schema}}.artifacts a WHERE a.created_at < now() - {0}{{unreferenced}} ORDER BY a.created_at LIMIT {1}""",
            options.ArtifactRetention, options.RetentionBatchSize);
    }

    private static string Quote(string? identifier) => "\"" + (identifier ?? PlatformDbContext.Schema).Replace("\"", "\"\"") + "\"";
}
