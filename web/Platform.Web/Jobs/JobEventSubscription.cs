using System.Threading.Channels;

namespace Platform.Web.Jobs;

/// <summary>One observer's view of <see cref="JobEvents"/>; dispose it to stop receiving.</summary>
public sealed class JobEventSubscription : IDisposable
{
    private readonly Channel<JobEvent> _channel;
    private readonly Action<JobEventSubscription> _unsubscribe;

    internal JobEventSubscription(int capacity, Guid? teamId, Action<JobEventSubscription> unsubscribe)
    {
        // A slow observer loses its oldest events rather than holding up the consumers that publish them.
        _channel = Channel.CreateBounded<JobEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = false,
            SingleWriter = false,
        });
        TeamId = teamId;
        _unsubscribe = unsubscribe;
    }

    /// <summary>Only this team's events, or every event when null.</summary>
    public Guid? TeamId { get; }

    public ChannelReader<JobEvent> Reader => _channel.Reader;

    internal void Offer(JobEvent e)
    {
        if (TeamId is null || TeamId == e.TeamId) _channel.Writer.TryWrite(e);
    }

    /// <summary>Waits for the first event that matches, or throws <see cref="TimeoutException"/>.</summary>
    public async Task<JobEvent> WaitForAsync(Func<JobEvent, bool> match, TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await foreach (var e in _channel.Reader.ReadAllAsync(cts.Token))
                if (match(e)) return e;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
        throw new TimeoutException($"No matching job event within {timeout.TotalSeconds:0.#} s.");
    }

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _unsubscribe(this);
    }
}
