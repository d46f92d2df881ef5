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

    /// <summary>
    /// The same, but giving up after <paramref name="timeout"/>: MassTransit retries an unreachable broker
    /// until cancelled, and a caller holding a committed Pending job must not wait on it (the dispatch sweep
    /// sends it later). Throws <see cref="OperationCanceledException"/> on the timeout.
    /// </summary>
    public static async Task SendQuantizeAsync(this ISendEndpointProvider sender, Guid jobId, DeviceClass device, TimeSpan timeout, CancellationToken ct = default)
    {
        using var limited = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limited.CancelAfter(timeout);
        await sender.SendQuantizeAsync(jobId, device, limited.Token);
    }
}
