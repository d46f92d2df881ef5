using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Api;
using Platform.Data;
using Platform.Data.Entities;

namespace Platform.Web.Jobs;

/// <summary>Job rows as the API shows them, each with the variant it produced (one per job, by a unique index).</summary>
public static class JobResponses
{
    public static JobResponse From(Job j, Guid? variantId) => new(
        j.Id, j.Kind, j.Status, j.ModelId, j.CalibrationDataSetId, j.EvaluationDataSetId, j.Device,
        ParseSpec(j.SpecJson), j.Progress, j.Stage, j.Attempt, j.Error, j.WorkerId, j.BatchId, j.ParentJobId,
        variantId, j.CreatedAt, j.DispatchedAt, j.StartedAt, j.FinishedAt);

    /// <summary>Runs <paramref name="jobs"/> (already filtered and ordered) with each job's variant id in the same query.</summary>
    public static async Task<List<JobResponse>> ListAsync(PlatformDbContext db, IQueryable<Job> jobs, CancellationToken ct)
    {
        var rows = await jobs.AsNoTracking()
            .Select(j => new { Job = j, VariantId = db.ModelVariants.Where(v => v.JobId == j.Id).Select(v => (Guid?)v.Id).FirstOrDefault() })
            .ToListAsync(ct);
        return rows.Select(r => From(r.Job, r.VariantId)).ToList();
    }

    /// <summary>The team's job, or null when it has none with that id (another team's job included).</summary>
    public static async Task<JobResponse?> FindAsync(PlatformDbContext db, Guid teamId, Guid jobId, CancellationToken ct) =>
        (await ListAsync(db, db.Jobs.Where(j => j.Id == jobId && j.TeamId == teamId), ct)).FirstOrDefault();

    private static JsonElement ParseSpec(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>Another team's job answers exactly like a missing one, so ids reveal nothing.</summary>
    public static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: 404, title: "Job not found", detail: $"No job with id {id} in your team.");
}
