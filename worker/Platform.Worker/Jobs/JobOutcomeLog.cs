using System.Collections.Concurrent;

namespace Platform.Worker.Jobs;

/// <summary>What this worker did with each command it received, in order: for logs, metrics and tests.</summary>
public sealed class JobOutcomeLog
{
    private readonly ConcurrentQueue<(Guid JobId, JobOutcome Outcome)> _entries = new();

    public void Record(Guid jobId, JobOutcome outcome) => _entries.Enqueue((jobId, outcome));

    public IReadOnlyList<JobOutcome> For(Guid jobId) => _entries.Where(e => e.JobId == jobId).Select(e => e.Outcome).ToList();
}
