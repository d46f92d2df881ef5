using System.Net;
using System.Net.Http.Json;
using Platform.Web.Sweeps;

namespace Platform.Web.Tests.Sweeps;

public sealed class DashboardTests(SweepsAppFixture app) : IClassFixture<SweepsAppFixture>
{
    [Fact]
    public async Task Admin_bearer_token_gets_the_dashboard()
    {
        using var admin = app.Client(SweepsAppFixture.AdminToken);
        var response = await admin.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Platform sweeps", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task No_token_is_401_and_a_team_token_is_403()
    {
        using var anonymous = app.Client();
        var none = await anonymous.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);

        var teamToken = await NewTeamTokenAsync("dashboard-outsiders");
        using var member = app.Client(teamToken);
        var forbidden = await member.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/hangfire/recurring")).StatusCode);

        // The same through the browser route: a team token in the query string sets no cookie and gets no page.
        using var browser = app.Client();
        var viaQuery = await browser.GetAsync($"/hangfire?token={Uri.EscapeDataString(teamToken)}");
        Assert.Equal(HttpStatusCode.Forbidden, viaQuery.StatusCode);
        Assert.False(viaQuery.Headers.Contains("Set-Cookie"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/hangfire?token=qp_not-a-token")).StatusCode);
    }

    [Fact]
    public async Task Admin_token_in_the_query_once_sets_an_httponly_strict_cookie_that_lets_the_browser_in()
    {
        using var browser = app.Client();
        var first = await browser.GetAsync($"/hangfire/recurring?token={Uri.EscapeDataString(SweepsAppFixture.AdminToken)}&from=5");
        // Back to the same page without the token, so it leaves the address bar and the history.
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/hangfire/recurring?from=5", first.Headers.Location?.OriginalString);
        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(DashboardAuthenticationHandler.CookieName + "=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/hangfire", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(SweepsAppFixture.AdminToken, cookie);

        // Later pages carry only the cookie.
        var next = await browser.GetAsync(first.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.False(next.Headers.Contains("Set-Cookie"));

        // The cookie opens the dashboard only, not the API.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/models")).StatusCode);

        // A tampered cookie is no cookie.
        using var forger = app.Client(handleCookies: false);
        var forged = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        forged.Headers.Add("Cookie", $"{DashboardAuthenticationHandler.CookieName}=not-what-we-wrote");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forger.SendAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task Revoking_the_admin_token_closes_a_dashboard_opened_with_it()
    {
        using var admin = app.Client(SweepsAppFixture.AdminToken);
        var me = await admin.GetFromJsonAsync<List<Team>>("/api/v1/teams");
        var adminTeam = Assert.Single(me!, t => t.Name == "admin");
        var created = await admin.PostAsJsonAsync("/api/v1/tokens", new { teamId = adminTeam.Id, isAdmin = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<Token>())!.Value;

        using var browser = app.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync($"/hangfire?token={Uri.EscapeDataString(token)}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/hangfire")).StatusCode);

        await app.Database.ScalarAsync<int>(
            "WITH r AS (UPDATE platform.api_tokens SET revoked_at = now() WHERE token_hash = sha256(convert_to($1, 'UTF8')) RETURNING 1) SELECT count(*)::int FROM r", token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/hangfire")).StatusCode);
    }

    private async Task<string> NewTeamTokenAsync(string team)
    {
        using var admin = app.Client(SweepsAppFixture.AdminToken);
        var created = await admin.PostAsJsonAsync("/api/v1/teams", new { name = team });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var teamId = (await created.Content.ReadFromJsonAsync<Team>())!.Id;
        var token = await admin.PostAsJsonAsync("/api/v1/tokens", new { teamId, isAdmin = false });
        Assert.Equal(HttpStatusCode.Created, token.StatusCode);
        return (await token.Content.ReadFromJsonAsync<Token>())!.Value;
    }

    private sealed record Team(Guid Id, string Name);

    private sealed record Token([property: System.Text.Json.Serialization.JsonPropertyName("token")] string Value);
}
