namespace Platform.Contracts.Messages;

/// <summary>Published after the worker stored the failure.</summary>
/// <param name="Error">A message a person can act on (which file, layer, shape or limit).</param>
/// <param name="Cancelled">True when the job stopped because it was cancelled, not because it broke.</param>
public sealed record JobFailed(Guid JobId, string WorkerId, int Attempt, string Error, bool Cancelled, DateTimeOffset At);
