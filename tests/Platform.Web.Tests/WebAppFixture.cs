using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Platform.Web.Auth;
using Platform.Web.Hosting;

namespace Platform.Web.Tests;

/// <summary>
/// The real web app (in-memory server) over a fresh, migrated PostgreSQL database of its own,
/// bootstrapped with a known admin token.
/// </summary>
public class WebAppFixture : IAsyncLifetime
{
    public const string AdminToken = "qp_test-bootstrap-admin-token";

    private WebApplicationFactory<Program>? _factory;

    public PostgresDatabase Database { get; } = new();

    /// <summary>Artifacts:MaxBytes for this app, or null for the default.</summary>
    protected virtual long? MaxBytes => null;

    public virtual async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting($"ConnectionStrings:{PlatformWebExtensions.ConnectionStringName}", Database.ConnectionString);
            b.UseSetting(AdminBootstrap.TokenKey, AdminToken);
            if (MaxBytes is { } max) b.UseSetting("Artifacts:MaxBytes", max.ToString(CultureInfo.InvariantCulture));
            // Messages stay in the process unless a fixture needs the broker (it overrides ConfigureWebHost).
            b.UseSetting("Platform:Bus:Transport", "InMemory");
            ConfigureWebHost(b);
        });
    }

    /// <summary>Further settings or services for a derived fixture; runs after the defaults, so it may override them.</summary>
    protected virtual void ConfigureWebHost(IWebHostBuilder builder)
    {
    }

    /// <summary>The app's services (the bus, the job events, a scope for a DbContext or the artifact store).</summary>
    public IServiceProvider Services => _factory!.Services;

    public virtual async Task DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        await Database.DisposeAsync();
    }

    public HttpClient Client(string? token = null)
    {
        var client = _factory!.CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates a team through the admin API and returns a fresh (non-admin) token of it.</summary>
    public async Task<string> NewTeamTokenAsync(string team)
    {
        using var admin = Client(AdminToken);
        var created = await admin.PostAsJsonAsync("/api/v1/teams", new { name = team });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var teamId = (await created.Content.ReadFromJsonAsync<IdOnly>())!.Id;
        var token = await admin.PostAsJsonAsync("/api/v1/tokens", new { teamId, isAdmin = false });
        Assert.Equal(HttpStatusCode.Created, token.StatusCode);
        return (await token.Content.ReadFromJsonAsync<TokenOnly>())!.Token;
    }

    private sealed record IdOnly(Guid Id);
    private sealed record TokenOnly(string Token);
}
