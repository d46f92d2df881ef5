using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Contracts.Api;
using Platform.Data;
using Platform.Data.Jobs;
using Platform.Web.Auth;
using Platform.Web.Jobs;

namespace Platform.Web.Batches;

/// <summary>Many jobs in one request: a list of job requests, or every model × every spec (a team's model zoo).</summary>
public static class BatchEndpoints
{
    public static RouteGroupBuilder MapBatches(this RouteGroupBuilder api)
    {
        var batches = api.MapGroup("/batches").WithTags("Batches");
        batches.MapPost("/", SubmitAsync)
            .DocumentJsonBody<SubmitBatchRequest>()
            .Produces<BatchResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(415).ProducesProblem(422).ProducesProblem(429)
            .AddEndpointFilter(JobEndpoints.LimitSubmissions);
        batches.MapGet("/{id:guid}", GetAsync).Produces<BatchResponse>().ProducesProblem(404);
        batches.MapPost("/{id:guid}/cancel", CancelAsync).Produces<BatchResponse>().ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> SubmitAsync(HttpRequest request, ClaimsPrincipal user, JobSubmission submission, PlatformDbContext db, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<SubmitBatchRequest>(request, ct);
        if (body is null) return problem!;
        if ((body.Jobs is null) == (body.Matrix is null))
            return Results.Problem(statusCode: 400, title: "Invalid batch",
                detail: "Give exactly one of \"jobs\" (a list of job requests) or \"matrix\" (modelIds × specs sharing data sets).");

        IReadOnlyList<SubmitJobRequest> requests;
        Func<int, string> describe;
        if (body.Matrix is { } matrix)
        {
            if (matrix.ModelIds is not { Count: > 0 } || matrix.Specs is not { Count: > 0 })
                return Results.Problem(statusCode: 400, title: "Invalid batch",
                    detail: $"The matrix needs at least one model id and one spec (it has {matrix.ModelIds?.Count ?? 0} model ids and {matrix.Specs?.Count ?? 0} specs).");
            if (submission.BatchSizeProblem((long)matrix.ModelIds.Count * matrix.Specs.Count) is { } tooLarge) return tooLarge.ToResult();
            requests = JobSubmission.Expand(matrix);
            int specs = matrix.Specs.Count;
            describe = i => $"matrix model {i / specs} ({matrix.ModelIds[i / specs]}) × spec {i % specs}";
        }
        else
        {
            requests = body.Jobs!;
            describe = i => $"jobs[{i}]";
        }

        var outcome = await submission.SubmitBatchAsync(user.TeamIdOf(), body.Name, requests, describe, ct);
        if (outcome.Problem is not null) return outcome.Problem.ToResult();
        var batch = outcome.Batch!;
        return Results.Accepted($"/api/v1/batches/{batch.Id}", await ReadAsync(db, batch.TeamId, batch.Id, CancellationToken.None));
    }

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, PlatformDbContext db, CancellationToken ct) =>
        await ReadAsync(db, user.TeamIdOf(), id, ct) is { } batch ? Results.Ok(batch) : NotFound(id);

    /// <summary>Cancels every job of the batch that has not finished; finished ones keep their status.</summary>
    private static async Task<IResult> CancelAsync(Guid id, ClaimsPrincipal user, PlatformDbContext db, JobEvents events, CancellationToken ct)
    {
        var teamId = user.TeamIdOf();
        if (!await db.Batches.AnyAsync(b => b.Id == id && b.TeamId == teamId, ct)) return NotFound(id);
        var unfinished = await db.Jobs.Where(j => j.BatchId == id && j.TeamId == teamId &&
                (j.Status == JobStatus.Pending || j.Status == JobStatus.Dispatched || j.Status == JobStatus.Running))
            .Select(j => j.Id).ToListAsync(ct);
        var cancelled = new List<Guid>();
        foreach (var jobId in unfinished)
            if (await JobLeases.CancelAsync(db, jobId, ct)) cancelled.Add(jobId);
        var batch = (await ReadAsync(db, teamId, id, ct))!;
        foreach (var job in batch.Jobs.Where(j => cancelled.Contains(j.Id)))
            events.Publish(new JobEvent(job.Id, teamId, job.Status, job.Progress, job.Stage, job.VariantId, job.Error, DateTimeOffset.UtcNow));
        return Results.Ok(batch);
    }

    private static async Task<BatchResponse?> ReadAsync(PlatformDbContext db, Guid teamId, Guid id, CancellationToken ct)
    {
        var batch = await db.Batches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id && b.TeamId == teamId, ct);
        if (batch is null) return null;
        var jobs = await JobResponses.ListAsync(db,
            db.Jobs.Where(j => j.BatchId == id && j.TeamId == teamId).OrderBy(j => j.CreatedAt).ThenBy(j => j.Id), ct);
        var counts = Enum.GetValues<JobStatus>().ToDictionary(s => s, s => jobs.Count(j => j.Status == s));
        return new BatchResponse(batch.Id, batch.Name, batch.CreatedAt, counts, jobs);
    }

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: 404, title: "Batch not found", detail: $"No batch with id {id} in your team.");
}
