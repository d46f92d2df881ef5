namespace Platform.Worker.Jobs;

/// <summary>How one delivery of a QuantizeModel command ended on this worker.</summary>
public enum JobOutcome
{
    /// <summary>Results and Succeeded committed together.</summary>
    Succeeded,
    /// <summary>Bad input or an engine error: stored as Failed with its message.</summary>
    Failed,
    /// <summary>The job was cancelled while it ran; nothing stored.</summary>
    Cancelled,
    /// <summary>The claim found the job finished, running elsewhere or unknown: nothing done.</summary>
    NotClaimed,
    /// <summary>The lease was lost (reaped, taken over) mid-run or at commit; the results were thrown away.</summary>
    LeaseLost,
    /// <summary>The worker was stopping: the job went back to Pending without using an attempt.</summary>
    Released,
}
