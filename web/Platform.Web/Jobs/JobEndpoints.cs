using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Contracts.Api;
using Platform.Data;
using Platform.Data.Jobs;
using Platform.Web.Auth;

namespace Platform.Web.Jobs;

public static class JobEndpoints
{
    public static RouteGroupBuilder MapJobEndpoints(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapPost("/", SubmitAsync)
            .DocumentJsonBody<SubmitJobRequest>()
            .Produces<JobResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(415).ProducesProblem(422).ProducesProblem(429)
            .AddEndpointFilter(LimitSubmissions);
        jobs.MapGet("/", ListAsync).Produces<List<JobResponse>>().ProducesProblem(400);
        jobs.MapGet("/{id:guid}", GetAsync).Produces<JobResponse>().ProducesProblem(404);
        jobs.MapPost("/{id:guid}/cancel", CancelAsync).Produces<JobResponse>().ProducesProblem(404).ProducesProblem(409);
        return api;
    }

    /// <summary>The per-team submission limit; shared by POST /jobs and POST /batches.</summary>
    public static ValueTask<object?> LimitSubmissions(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.RequestServices.GetRequiredService<SubmitRateLimit>().InvokeAsync(context, next);

    private static async Task<IResult> SubmitAsync(HttpRequest request, ClaimsPrincipal user, JobSubmission submission, PlatformDbContext db, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<SubmitJobRequest>(request, ct);
        if (body is null) return problem!;
        var outcome = await submission.SubmitAsync(user.TeamIdOf(), body, ct);
        if (outcome.Problem is not null) return outcome.Problem.ToResult();
        var job = outcome.Jobs[0];
        var response = await JobResponses.FindAsync(db, job.TeamId, job.Id, CancellationToken.None);
        return Results.Accepted($"/api/v1/jobs/{job.Id}", response);
    }

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, PlatformDbContext db, JobsOptions options,
        string? status, Guid? modelId, int? limit, CancellationToken ct)
    {
        var teamId = user.TeamIdOf();
        var query = db.Jobs.Where(j => j.TeamId == teamId);
        if (status is not null)
        {
            if (!TryParseStatus(status, out var s))
                return Results.Problem(statusCode: 400, title: "Invalid query",
                    detail: $"status '{status}' is not a job status; use one of {string.Join(", ", Enum.GetNames<JobStatus>().Select(n => n.ToLowerInvariant()))}.");
            query = query.Where(j => j.Status == s);
        }
        if (modelId is { } m) query = query.Where(j => j.ModelId == m);
        if (Page(limit, options) is { } pageProblem) return pageProblem;
        var page = query.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Take(limit ?? options.DefaultPageSize);
        return Results.Ok(await JobResponses.ListAsync(db, page, ct));
    }

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, PlatformDbContext db, CancellationToken ct) =>
        await JobResponses.FindAsync(db, user.TeamIdOf(), id, ct) is { } job ? Results.Ok(job) : JobResponses.NotFound(id);

    /// <summary>
    /// A running job's worker notices at its next heartbeat (its renewal fails) and stops; its results can
    /// no longer commit. Cancelling a job that already ended is a conflict, not a silent success.
    /// </summary>
    private static async Task<IResult> CancelAsync(Guid id, ClaimsPrincipal user, PlatformDbContext db, JobEvents events, CancellationToken ct)
    {
        var teamId = user.TeamIdOf();
        if (!await db.Jobs.AnyAsync(j => j.Id == id && j.TeamId == teamId, ct)) return JobResponses.NotFound(id);
        bool cancelled = await JobLeases.CancelAsync(db, id, ct);
        var job = (await JobResponses.FindAsync(db, teamId, id, ct))!;
        if (!cancelled)
            return Results.Problem(statusCode: 409, title: "Job already finished",
                detail: $"Job {id} already ended as {job.Status.ToString().ToLowerInvariant()}; only pending, dispatched or running jobs can be cancelled.");
        events.Publish(new JobEvent(job.Id, teamId, job.Status, job.Progress, job.Stage, job.VariantId, job.Error, DateTimeOffset.UtcNow));
        return Results.Ok(job);
    }

    /// <summary>Case-insensitive names only: "2" is not a status, though Enum.TryParse would take it.</summary>
    public static bool TryParseStatus(string text, out JobStatus status) =>
        Enum.TryParse(text, ignoreCase: true, out status) && Enum.IsDefined(status) && !char.IsAsciiDigit(text.TrimStart('-', '+', ' ').FirstOrDefault());

    /// <summary>A 400 when <paramref name="limit"/> is outside 1..MaxPageSize.</summary>
    public static IResult? Page(int? limit, JobsOptions options) =>
        limit is { } l && (l < 1 || l > options.MaxPageSize)
            ? Results.Problem(statusCode: 400, title: "Invalid query", detail: $"limit {l} is out of range: ask for 1 to {options.MaxPageSize} rows.")
            : null;
}
