using System.Net;
using System.Net.Http.Json;

namespace Platform.Web.Tests;

public sealed class AuthTests(WebAppFixture app) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task No_token_is_401_problem_details()
    {
        using var client = app.Client();
        var response = await client.GetAsync("/api/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Contains("Bearer", problem.GetProperty("detail").GetString());
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Unknown_token_is_401_naming_it()
    {
        using var client = app.Client("qp_not-a-token-we-issued");
        var response = await client.GetAsync("/api/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("unknown or revoked", (await response.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Revoked_token_is_401()
    {
        var token = await app.NewTeamTokenAsync("revoked-team");
        using var client = app.Client(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/models")).StatusCode);
        await app.Database.ScalarAsync<int>(
            "WITH r AS (UPDATE platform.api_tokens SET revoked_at = now() WHERE token_hash = sha256(convert_to($1, 'UTF8')) RETURNING 1) SELECT count(*)::int FROM r", token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/models")).StatusCode);
    }

    [Fact]
    public async Task Bootstrap_admin_token_is_stored_hashed_for_team_admin()
    {
        Assert.Equal(1, await app.Database.ScalarAsync<long>(
            "SELECT count(*) FROM platform.api_tokens k JOIN platform.teams t ON t.id = k.team_id " +
            "WHERE t.name = 'admin' AND k.is_admin AND k.token_hash = sha256(convert_to($1, 'UTF8'))", WebAppFixture.AdminToken));
    }

    [Fact]
    public async Task Admin_creates_team_and_token_shown_once_and_stored_only_as_hash()
    {
        using var admin = app.Client(WebAppFixture.AdminToken);
        var team = await admin.PostAsJsonAsync("/api/v1/teams", new { name = "vision" });
        Assert.Equal(HttpStatusCode.Created, team.StatusCode);
        var teamId = (await team.JsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/v1/teams", new { name = "vision" })).StatusCode);

        var created = await admin.PostAsJsonAsync("/api/v1/tokens", new { teamId, isAdmin = false });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var token = body.GetProperty("token").GetString()!;
        Assert.StartsWith("qp_", token);
        Assert.StartsWith(body.GetProperty("prefix").GetString()!, token);
        Assert.Equal(1, await app.Database.ScalarAsync<long>(
            "SELECT count(*) FROM platform.api_tokens WHERE team_id = $1 AND token_hash = sha256(convert_to($2, 'UTF8'))", teamId, token));

        using var member = app.Client(token);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/api/v1/models")).StatusCode);
        var forbidden = await member.PostAsJsonAsync("/api/v1/teams", new { name = "intruders" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync("/api/v1/tokens", new { teamId, isAdmin = true })).StatusCode);
    }

    [Fact]
    public async Task Token_for_missing_team_is_404()
    {
        using var admin = app.Client(WebAppFixture.AdminToken);
        var response = await admin.PostAsJsonAsync("/api/v1/tokens", new { teamId = Guid.NewGuid(), isAdmin = false });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
