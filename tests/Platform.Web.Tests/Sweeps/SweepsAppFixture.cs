using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Platform.Web.Auth;
using Platform.Web.Hosting;

namespace Platform.Web.Tests.Sweeps;

/// <summary>
/// The real web app over a fresh database, like <see cref="WebAppFixture"/>, with settings and services of
/// its own: the Hangfire server is off unless a subclass turns it on, and the bus is in memory.
/// </summary>
public class SweepsAppFixture : IAsyncLifetime
{
    public const string AdminToken = WebAppFixture.AdminToken;

    private WebApplicationFactory<Program>? _factory;

    public PostgresDatabase Database { get; } = new();

    public IServiceProvider Services => _factory!.Services;

    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Platform:Sweeps:Enabled"] = "false",
    };

    protected virtual void ConfigureServices(IServiceCollection services) { }

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting($"ConnectionStrings:{PlatformWebExtensions.ConnectionStringName}", Database.ConnectionString);
            b.UseSetting(AdminBootstrap.TokenKey, AdminToken);
            b.UseSetting("Platform:Bus:Transport", "InMemory");
            foreach (var (key, value) in Settings) b.UseSetting(key, value);
            b.ConfigureTestServices(ConfigureServices);
        });
        // Starts the host now, so start-up work (bootstrap admin, recurring jobs) is done before a test runs.
        _ = _factory.Server;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        await Database.DisposeAsync();
    }

    public HttpClient Client(string? token = null, bool handleCookies = true)
    {
        var client = _factory!.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = handleCookies });
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
