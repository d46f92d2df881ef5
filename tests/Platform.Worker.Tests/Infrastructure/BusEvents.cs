using System.Collections.Concurrent;
using Platform.Contracts.Messages;

namespace Platform.Worker.Tests.Infrastructure;

/// <summary>Every job event the test host's bus delivered, in arrival order.</summary>
public sealed class BusEvents
{
    private readonly ConcurrentQueue<object> _events = new();

    public void Add(object e) => _events.Enqueue(e);

    public IReadOnlyList<T> Of<T>(Guid jobId) where T : class => _events.OfType<T>().Where(e => JobOf(e) == jobId).ToList();

    public IReadOnlyList<object> For(Guid jobId) => _events.Where(e => JobOf(e!) == jobId).ToList();

    private static Guid JobOf(object e) => e switch
    {
        JobProgressed p => p.JobId,
        JobSucceeded s => s.JobId,
        JobFailed f => f.JobId,
        _ => Guid.Empty,
    };
}
