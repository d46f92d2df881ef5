namespace Platform.Contracts.Messages;

/// <summary>Published after the worker committed the variant and the job's final status in one transaction.</summary>
public sealed record JobSucceeded(Guid JobId, Guid VariantId, string WorkerId, int Attempt, DateTimeOffset At);
