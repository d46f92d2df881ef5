using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Platform.Web.Hosting;

namespace Platform.Web.Tests;

/// <summary>The app pointed at a port where nothing listens: alive, but not ready.</summary>
public sealed class ReadinessTests : IAsyncLifetime
{
    private readonly WebApplicationFactory<Program> _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        b.UseSetting($"ConnectionStrings:{PlatformWebExtensions.ConnectionStringName}", "Host=127.0.0.1;Port=1;Database=none;Username=postgres;Timeout=2");
        // Its own bus: on the shared broker it would join the other apps' event queues and take their events.
        b.UseSetting("Platform:Bus:Transport", "InMemory");
    });

    [Fact]
    public async Task Ready_is_503_when_PostgreSQL_is_unreachable_while_live_stays_200()
    {
        using var client = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}
