using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Entities;

namespace Platform.Web.Auth;

/// <summary>
/// Gives a fresh installation its first admin: when `Platform:AdminToken` is configured and no admin
/// token exists yet, that token is stored (hashed) for a team "admin". The scripts choose the token,
/// so they can print it; once any admin token exists the setting is ignored.
/// </summary>
public sealed class AdminBootstrap(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<AdminBootstrap> log) : IHostedService
{
    public const string TokenKey = "Platform:AdminToken";
    public const string TeamName = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var token = configuration[TokenKey];
        if (string.IsNullOrWhiteSpace(token)) return;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        if (await db.ApiTokens.AnyAsync(t => t.IsAdmin && t.RevokedAt == null, cancellationToken)) return;

        var hash = ApiTokenSecret.Hash(token);
        if (await db.ApiTokens.AnyAsync(t => t.TokenHash == hash, cancellationToken))
        {
            log.LogWarning("{Key} names a token that exists but is revoked or not admin; no admin token was created.", TokenKey);
            return;
        }
        var now = DateTimeOffset.UtcNow;
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Name == TeamName, cancellationToken);
        if (team is null)
        {
            team = new Team { Id = Guid.NewGuid(), Name = TeamName, CreatedAt = now };
            db.Teams.Add(team);
        }
        db.ApiTokens.Add(new ApiToken
        {
            Id = Guid.NewGuid(),
            TeamId = team.Id,
            Name = "bootstrap admin",
            TokenHash = hash,
            Prefix = ApiTokenSecret.PrefixOf(token),
            IsAdmin = true,
            CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        log.LogInformation("Created the bootstrap admin token {Prefix}... for team '{Team}'.", ApiTokenSecret.PrefixOf(token), TeamName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
