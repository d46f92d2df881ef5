namespace Platform.Web.Sweeps;

/// <summary>Configuration section <c>Platform:Sweeps</c>: the Hangfire server and its recurring sweeps.</summary>
public sealed class SweepOptions
{
    public const string Section = "Platform:Sweeps";

    /// <summary>Key of the attempt limit the lease reaper enforces (shared with the jobs feature).</summary>
    public const string MaxAttemptsKey = "Platform:Jobs:MaxAttempts";

    /// <summary>Runs the Hangfire server and registers the recurring sweeps. Off: the dashboard still answers.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the dispatch sweep runs; a whole number of seconds that divides a minute, or of minutes that divides an hour.</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A Pending job younger than this is left to the request that submitted it, which is still sending its command.</summary>
    public TimeSpan PendingGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A Dispatched job nobody claimed for this long has its command sent again (the message may be lost:
    /// RabbitMQ restarted without persistence). The wait doubles with each resend, up to
    /// <see cref="MaxClaimTimeout"/>, so jobs that queue behind busy workers for hours are not resent every few minutes.
    /// </summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan MaxClaimTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>At most this many jobs are sent per dispatch run; the rest wait for the next run.</summary>
    public int DispatchBatchSize { get; set; } = 100;

    public TimeSpan ReaperInterval { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Artifacts no model, data set or variant references are deleted once older than this.</summary>
    public double ArtifactRetentionHours { get; set; } = 24;

    /// <summary>Worker rows whose last heartbeat is older than this are deleted.</summary>
    public double WorkerRetentionHours { get; set; } = 24;

    /// <summary>At most this many artifacts are deleted per retention run.</summary>
    public int RetentionBatchSize { get; set; } = 500;

    /// <summary>Hangfire worker threads in this process; the sweeps are the only Hangfire jobs.</summary>
    public int WorkerCount { get; set; } = 2;

    /// <summary>How often Hangfire looks for due recurring jobs and for queued jobs.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A single send that takes longer than this (broker unreachable) ends the dispatch run.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan ArtifactRetention => TimeSpan.FromHours(ArtifactRetentionHours);

    public TimeSpan WorkerRetention => TimeSpan.FromHours(WorkerRetentionHours);

    /// <summary>Reads and checks the section; a bad value names its key and what would do.</summary>
    public static SweepOptions From(IConfiguration configuration)
    {
        var o = configuration.GetSection(Section).Get<SweepOptions>() ?? new SweepOptions();
        Positive(o.DispatchInterval, nameof(DispatchInterval));
        Positive(o.ReaperInterval, nameof(ReaperInterval));
        Positive(o.RetentionInterval, nameof(RetentionInterval));
        Positive(o.ClaimTimeout, nameof(ClaimTimeout));
        Positive(o.PollInterval, nameof(PollInterval));
        Positive(o.SendTimeout, nameof(SendTimeout));
        if (o.PendingGrace < TimeSpan.Zero) Fail(nameof(PendingGrace), o.PendingGrace, "must not be negative");
        if (o.MaxClaimTimeout < o.ClaimTimeout) Fail(nameof(MaxClaimTimeout), o.MaxClaimTimeout, $"must be at least ClaimTimeout ({o.ClaimTimeout})");
        if (o.DispatchBatchSize < 1) Fail(nameof(DispatchBatchSize), o.DispatchBatchSize, "must be at least 1");
        if (o.RetentionBatchSize < 1) Fail(nameof(RetentionBatchSize), o.RetentionBatchSize, "must be at least 1");
        if (o.WorkerCount < 1) Fail(nameof(WorkerCount), o.WorkerCount, "must be at least 1");
        if (!(o.ArtifactRetentionHours >= 0)) Fail(nameof(ArtifactRetentionHours), o.ArtifactRetentionHours, "must be 0 or more hours");
        if (!(o.WorkerRetentionHours >= 0)) Fail(nameof(WorkerRetentionHours), o.WorkerRetentionHours, "must be 0 or more hours");
        // Fails now, at start-up, rather than when Hangfire first parses the schedule.
        SweepSchedule.Cron(o.DispatchInterval, $"{Section}:{nameof(DispatchInterval)}");
        SweepSchedule.Cron(o.ReaperInterval, $"{Section}:{nameof(ReaperInterval)}");
        SweepSchedule.Cron(o.RetentionInterval, $"{Section}:{nameof(RetentionInterval)}");
        return o;
    }

    /// <summary><see cref="MaxAttemptsKey"/>, default 3.</summary>
    public static int MaxAttempts(IConfiguration configuration)
    {
        int value = configuration.GetValue(MaxAttemptsKey, 3);
        if (value < 1)
            throw new InvalidOperationException($"{MaxAttemptsKey} must be at least 1; it is {value}.");
        return value;
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero) Fail(name, value, "must be positive");
    }

    private static void Fail(string name, object value, string rule) =>
        throw new InvalidOperationException($"{Section}:{name} {rule}; it is {value}.");
}
