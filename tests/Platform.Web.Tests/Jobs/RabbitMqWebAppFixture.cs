using Microsoft.AspNetCore.Hosting;

namespace Platform.Web.Tests.Jobs;

/// <summary>The app on the real RabbitMQ transport, in a virtual host of its own.</summary>
public sealed class RabbitMqWebAppFixture : WebAppFixture
{
    private readonly RabbitVirtualHost _vhost = new();

    public override async Task InitializeAsync()
    {
        await _vhost.InitializeAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Platform:Bus:Transport", "RabbitMq");
        builder.UseSetting("Platform:Bus:RabbitUri", _vhost.Uri.ToString());
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _vhost.DisposeAsync();
    }
}
