using System.Collections.Immutable;

namespace Platform.Web.Jobs;

/// <summary>
/// In-process fan-out of job changes this web instance saw (its submissions and cancels, and the bus events
/// it consumed) to whoever listens: the live pages later, tests now. Publishing never blocks.
/// </summary>
public sealed class JobEvents
{
    public const int DefaultCapacity = 1024;

    private ImmutableArray<JobEventSubscription> _subscribers = [];

    public int SubscriberCount => _subscribers.Length;

    /// <summary>Starts listening; only <paramref name="teamId"/>'s events when given.</summary>
    public JobEventSubscription Subscribe(Guid? teamId = null, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var subscription = new JobEventSubscription(capacity, teamId, Remove);
        ImmutableInterlocked.Update(ref _subscribers, s => s.Add(subscription));
        return subscription;
    }

    public void Publish(JobEvent e)
    {
        foreach (var s in _subscribers) s.Offer(e);
    }

    private void Remove(JobEventSubscription subscription) =>
        ImmutableInterlocked.Update(ref _subscribers, s => s.Remove(subscription));
}
