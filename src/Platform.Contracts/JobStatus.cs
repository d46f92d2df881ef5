namespace Platform.Contracts;

/// <summary>Where a job is in its lifecycle: Pending → Dispatched → Running → Succeeded | Failed | Cancelled.</summary>
public enum JobStatus
{
    Pending,
    Dispatched,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}
