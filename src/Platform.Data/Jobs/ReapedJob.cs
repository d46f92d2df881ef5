namespace Platform.Data.Jobs;

/// <summary>A job the lease reaper touched: <see cref="Status"/> is "Pending" (to be sent again) or "Failed".</summary>
public sealed record ReapedJob(Guid JobId, string Status, int Attempt);
