using Microsoft.EntityFrameworkCore;
using Npgsql;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Web.Auth;

namespace Platform.Web.Teams;

public static class TeamEndpoints
{
    public const int MaxNameLength = 200;

    public static RouteGroupBuilder MapTeams(this RouteGroupBuilder api)
    {
        var teams = api.MapGroup("/teams").WithTags("Teams").RequireAuthorization(PlatformAuthExtensions.AdminPolicy);
        teams.MapPost("/", CreateAsync);
        teams.MapGet("/", ListAsync);
        return api;
    }

    private static async Task<IResult> CreateAsync(CreateTeamRequest request, PlatformDbContext db, CancellationToken ct)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
            return Results.Problem(statusCode: 400, title: "Invalid team name",
                detail: $"'name' must be 1 to {MaxNameLength} characters; it is {(name is null ? "missing" : $"{name.Length} characters")}.");
        var team = new Team { Id = Guid.NewGuid(), Name = name, CreatedAt = DateTimeOffset.UtcNow };
        db.Teams.Add(team);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Results.Problem(statusCode: 409, title: "Team exists", detail: $"A team named '{name}' already exists.");
        }
        return Results.Created($"/api/v1/teams/{team.Id}", new TeamResponse(team.Id, team.Name, team.CreatedAt));
    }

    private static async Task<List<TeamResponse>> ListAsync(PlatformDbContext db, CancellationToken ct) =>
        await db.Teams.AsNoTracking().OrderBy(t => t.Name)
            .Select(t => new TeamResponse(t.Id, t.Name, t.CreatedAt)).ToListAsync(ct);
}
