using Platform.Contracts;

namespace Platform.Web.Jobs;

/// <summary>A job changed (submitted, dispatched, progressed, finished, cancelled), as the row now says.</summary>
/// <param name="TeamId">Whose job it is: observers (SignalR hubs) must only forward it to that team.</param>
public sealed record JobEvent(
    Guid JobId,
    Guid TeamId,
    JobStatus Status,
    double Progress,
    string? Stage,
    Guid? VariantId,
    string? Error,
    DateTimeOffset At);
