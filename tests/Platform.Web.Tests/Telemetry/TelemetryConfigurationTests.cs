using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Platform.Bus.Telemetry;

namespace Platform.Web.Tests.Telemetry;

public sealed class TelemetryConfigurationTests
{
    [Fact]
    public void Off_by_default_no_providers_but_the_platform_instruments_exist()
    {
        using var services = Build([]);
        Assert.Null(services.GetService<TracerProvider>());
        Assert.Null(services.GetService<MeterProvider>());
        Assert.Equal(PlatformMetrics.MeterName, services.GetRequiredService<PlatformMetrics>().Meter.Name);
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public void An_otlp_endpoint_turns_tracing_and_metrics_on(string protocol)
    {
        using var services = Build(new()
        {
            ["Platform:Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4317",
            ["Platform:Telemetry:OtlpProtocol"] = protocol,
        });
        Assert.NotNull(services.GetService<TracerProvider>());
        Assert.NotNull(services.GetService<MeterProvider>());
    }

    [Fact]
    public void Explicitly_disabled_wins_over_an_endpoint()
    {
        using var services = Build(new()
        {
            ["Platform:Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4317",
            ["Platform:Telemetry:Enabled"] = "false",
        });
        Assert.Null(services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData("Platform:Telemetry:OtlpEndpoint", "collector:4317", "not an absolute http(s) URI")]
    [InlineData("Platform:Telemetry:OtlpProtocol", "thrift", "use 'grpc'")]
    public void Bad_settings_fail_at_start_naming_the_key(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?> { ["Platform:Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4317", [key] = value };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddPlatformTelemetry(configuration, "test"));
        Assert.Contains(message, e.Message);
        Assert.Contains(value, e.Message);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddPlatformTelemetry(configuration, "test");
        return services.BuildServiceProvider();
    }
}
