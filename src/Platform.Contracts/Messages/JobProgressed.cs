namespace Platform.Contracts.Messages;

/// <summary>A running job moved to a new stage or fraction. Only the lease holder's attempt counts.</summary>
/// <param name="Progress">0..1 over the whole job.</param>
public sealed record JobProgressed(Guid JobId, string WorkerId, int Attempt, double Progress, string Stage, DateTimeOffset At);
