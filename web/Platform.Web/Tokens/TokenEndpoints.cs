using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Web.Auth;
using Platform.Web.Teams;

namespace Platform.Web.Tokens;

public static class TokenEndpoints
{
    public static RouteGroupBuilder MapTokens(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("Tokens").RequireAuthorization(PlatformAuthExtensions.AdminPolicy);
        tokens.MapPost("/", CreateAsync);
        return api;
    }

    private static async Task<IResult> CreateAsync(CreateTokenRequest request, PlatformDbContext db, CancellationToken ct)
    {
        if (!await db.Teams.AnyAsync(t => t.Id == request.TeamId, ct))
            return Results.Problem(statusCode: 404, title: "Team not found", detail: $"No team with id {request.TeamId}.");
        var name = string.IsNullOrWhiteSpace(request.Name) ? "api token" : request.Name.Trim();
        if (name.Length > TeamEndpoints.MaxNameLength)
            return Results.Problem(statusCode: 400, title: "Invalid token name", detail: $"'name' must be at most {TeamEndpoints.MaxNameLength} characters.");

        var secret = ApiTokenSecret.NewToken();
        var token = new ApiToken
        {
            Id = Guid.NewGuid(),
            TeamId = request.TeamId,
            Name = name,
            TokenHash = ApiTokenSecret.Hash(secret),
            Prefix = ApiTokenSecret.PrefixOf(secret),
            IsAdmin = request.IsAdmin,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        return Results.Created($"/api/v1/tokens/{token.Id}",
            new CreatedTokenResponse(token.Id, token.TeamId, token.Name, token.IsAdmin, token.Prefix, secret, token.CreatedAt));
    }
}
