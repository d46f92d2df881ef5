using Microsoft.AspNetCore.Hosting;

namespace Platform.Web.Tests.Jobs;

/// <summary>
/// The app with its broker unreachable (RabbitMQ transport pointed at a closed port, a 1 s send timeout)
/// and a submission limit of one at a time with no queue, so both degraded paths run without waiting.
/// </summary>
public sealed class DegradedWebAppFixture : WebAppFixture
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Platform:Bus:Transport", "RabbitMq");
        builder.UseSetting("Platform:Bus:RabbitUri", "rabbitmq://127.0.0.1:1/");
        builder.UseSetting("Platform:Jobs:DispatchTimeout", "00:00:01");
        builder.UseSetting("Platform:Jobs:SubmitConcurrencyPerTeam", "1");
        builder.UseSetting("Platform:Jobs:SubmitQueuePerTeam", "0");
        builder.UseSetting("Platform:Jobs:RetryAfterSeconds", "3");
    }
}
