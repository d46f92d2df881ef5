namespace Platform.Web.Jobs;

/// <summary>Configuration section <c>Platform:Jobs</c>: submission limits and how long a send may take.</summary>
public sealed class JobsOptions
{
    public const string Section = "Platform:Jobs";

    /// <summary>Submissions (POST /jobs, POST /batches) one team may have in flight at once.</summary>
    public int SubmitConcurrencyPerTeam { get; set; } = 32;

    /// <summary>
    /// Submissions of one team that may wait for a slot; beyond it the request answers 429 before anything is
    /// stored. Generous, so a burst of a few hundred is slowed down rather than refused.
    /// </summary>
    public int SubmitQueuePerTeam { get; set; } = 1000;

    /// <summary>Seconds a refused client is told to wait (Retry-After).</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>
    /// How long sending one job's command may take. A broker that is down would otherwise hold the request
    /// while MassTransit reconnects; past it the job stays Pending and the dispatch sweep sends it later.
    /// </summary>
    public TimeSpan DispatchTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most jobs one batch may hold (a list, or models × specs).</summary>
    public int MaxBatchJobs { get; set; } = 1000;

    /// <summary>Most rows one GET /jobs or GET /variants returns.</summary>
    public int MaxPageSize { get; set; } = 1000;

    public int DefaultPageSize { get; set; } = 100;

    /// <summary>Concurrent messages each event consumer handles.</summary>
    public int EventConcurrency { get; set; } = 16;

    public void Validate()
    {
        if (SubmitConcurrencyPerTeam < 1) throw new InvalidOperationException($"{Section}:SubmitConcurrencyPerTeam must be at least 1; it is {SubmitConcurrencyPerTeam}.");
        if (SubmitQueuePerTeam < 0) throw new InvalidOperationException($"{Section}:SubmitQueuePerTeam must not be negative; it is {SubmitQueuePerTeam}.");
        if (MaxBatchJobs < 1) throw new InvalidOperationException($"{Section}:MaxBatchJobs must be at least 1; it is {MaxBatchJobs}.");
        if (DispatchTimeout <= TimeSpan.Zero) throw new InvalidOperationException($"{Section}:DispatchTimeout must be positive; it is {DispatchTimeout}.");
        if (DefaultPageSize < 1 || DefaultPageSize > MaxPageSize)
            throw new InvalidOperationException($"{Section}:DefaultPageSize must be between 1 and MaxPageSize ({MaxPageSize}); it is {DefaultPageSize}.");
        if (EventConcurrency < 1) throw new InvalidOperationException($"{Section}:EventConcurrency must be at least 1; it is {EventConcurrency}.");
    }
}
