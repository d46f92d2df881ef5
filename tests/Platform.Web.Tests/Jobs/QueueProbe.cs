using System.Threading.Channels;
using MassTransit;
using Platform.Contracts.Messages;

namespace Platform.Web.Tests.Jobs;

/// <summary>Stands in for a worker: consumes the QuantizeModel commands sent to one queue of the app's in-memory bus.</summary>
internal sealed class QueueProbe : IAsyncDisposable
{
    private readonly Channel<QuantizeModel> _received = Channel.CreateUnbounded<QuantizeModel>();
    private readonly HostReceiveEndpointHandle _handle;

    private QueueProbe(IBus bus, string queue)
    {
        _handle = bus.ConnectReceiveEndpoint(queue, e => e.Handler<QuantizeModel>(ctx => _received.Writer.WriteAsync(ctx.Message).AsTask()));
    }

    public static async Task<QueueProbe> StartAsync(IBus bus, string queue)
    {
        var probe = new QueueProbe(bus, queue);
        await probe._handle.Ready;
        return probe;
    }

    /// <summary>The command for <paramref name="jobId"/>, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<QuantizeModel> WaitForAsync(Guid jobId, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var m in _received.Reader.ReadAllAsync(cts.Token))
                if (m.JobId == jobId) return m;
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException($"No QuantizeModel for job {jobId} within {timeout.TotalSeconds} s.");
    }

    public async ValueTask DisposeAsync() => await _handle.StopAsync();
}
