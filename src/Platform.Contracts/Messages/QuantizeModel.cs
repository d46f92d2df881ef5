namespace Platform.Contracts.Messages;

/// <summary>
/// "Go and run job X", sent to the queue of the job's device class (<see cref="Queues"/>). The job row
/// is the truth: a worker claims it with a conditional UPDATE, so a redelivered or duplicate command is a no-op.
/// </summary>
public sealed record QuantizeModel(Guid JobId);
