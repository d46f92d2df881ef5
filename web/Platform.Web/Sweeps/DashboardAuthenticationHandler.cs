using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data;
using Platform.Web.Auth;

namespace Platform.Web.Sweeps;

/// <summary>
/// Lets a browser into /hangfire, which cannot send an Authorization header: the admin token comes once
/// as <c>?token=</c>, and an HttpOnly, SameSite=Strict cookie scoped to the dashboard carries it (data-
/// protected, time-limited) afterwards. The token is looked up on every request, so revoking it closes
/// the dashboard too. Challenges and refusals only set the status: the bearer scheme, which runs beside
/// this one on the dashboard, writes the ProblemDetails body.
/// </summary>
public sealed class DashboardAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    PlatformDbContext db, IDataProtectionProvider protection)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "HangfireDashboard";
    public const string Path = "/hangfire";
    public const string QueryParameter = "token";
    public const string CookieName = "qplat_dashboard";
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromHours(8);

    private ITimeLimitedDataProtector Protector => protection.CreateProtector("Platform.Web.Sweeps.DashboardCookie").ToTimeLimitedDataProtector();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? fromQuery = Request.Query[QueryParameter];
        string? token = fromQuery is { Length: > 0 } ? fromQuery : Unprotect(Request.Cookies[CookieName]);
        if (string.IsNullOrEmpty(token)) return AuthenticateResult.NoResult();

        var hash = ApiTokenSecret.Hash(token);
        var row = await db.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.RevokedAt == null)
            .Select(t => new { t.Id, t.TeamId, t.IsAdmin })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (row is null)
        {
            if (fromQuery is null) Response.Cookies.Delete(CookieName, new CookieOptions { Path = Path });
            return AuthenticateResult.Fail("The dashboard token is unknown or revoked.");
        }

        if (fromQuery is not null && row.IsAdmin)
            Response.Cookies.Append(CookieName, Protector.Protect(token, CookieLifetime), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = Request.IsHttps,
                Path = Path,
                MaxAge = CookieLifetime,
                IsEssential = true,
            });

        var identity = new ClaimsIdentity(
            [
                new Claim(CallerClaims.TokenId, row.Id.ToString()),
                new Claim(CallerClaims.TeamId, row.TeamId.ToString()),
                new Claim(CallerClaims.Admin, row.IsAdmin ? "true" : "false"),
            ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (!Response.HasStarted) Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (!Response.HasStarted) Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    private string? Unprotect(string? cookie)
    {
        if (string.IsNullOrEmpty(cookie)) return null;
        try
        {
            return Protector.Unprotect(cookie);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Expired, tampered with, or protected by another key ring: as if there were no cookie.
            return null;
        }
    }
}
