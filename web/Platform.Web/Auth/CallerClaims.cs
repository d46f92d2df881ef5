using System.Security.Claims;

namespace Platform.Web.Auth;

/// <summary>What the bearer token says about the caller: its team, and whether it may administer.</summary>
public static class CallerClaims
{
    public const string TeamId = "team_id";
    public const string TokenId = "token_id";
    public const string Admin = "admin";

    /// <summary>The caller's team; every query of a team's data filters on it.</summary>
    public static Guid TeamIdOf(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(TeamId) ?? throw new InvalidOperationException("The caller is not authenticated by a platform token."));
}
