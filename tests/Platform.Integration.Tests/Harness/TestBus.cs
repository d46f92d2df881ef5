using MassTransit;
using Platform.Bus;
using Platform.Contracts;

namespace Platform.Integration.Tests.Harness;

/// <summary>A bare MassTransit bus of the test's own on a vhost, for sending commands the way the web app does.</summary>
public sealed class TestBus : IAsyncDisposable
{
    private readonly IBusControl _bus;

    private TestBus(IBusControl bus) => _bus = bus;

    public static async Task<TestBus> StartAsync(Uri vhost)
    {
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
            cfg.Host(vhost, h =>
            {
                h.Username("guest");
                h.Password("guest");
            }));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await bus.StartAsync(cts.Token);
        return new TestBus(bus);
    }

    /// <summary>QuantizeModel(jobId) on the device class's queue, through the same helper the web app uses.</summary>
    public Task SendQuantizeAsync(Guid jobId, DeviceClass device) => _bus.SendQuantizeAsync(jobId, device);

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}
