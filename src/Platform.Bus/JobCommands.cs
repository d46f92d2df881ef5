using MassTransit;
using Platform.Contracts;
using Platform.Contracts.Messages;

namespace Platform.Bus;

/// <summary>Sends the command that starts a job to its device class's queue.</summary>
public static class JobCommands
{
    public static async Task SendQuantizeAsync(this ISendEndpointProvider sender, Guid jobId, DeviceClass device, CancellationToken ct = default)
    {
        var endpoint = await sender.GetSendEndpoint(new Uri("queue:" + Queues.Quantize(device)));
        await endpoint.Send(new QuantizeModel(jobId), ct);
    }
}
