using Platform.Contracts;

namespace Platform.Data.Entities;

/// <summary>A running worker process; <see cref="LastHeartbeatAt"/> tells the living from the dead.</summary>
public class WorkerInstance
{
    public required string Id { get; set; }
    public required string Host { get; set; }
    public DeviceClass Device { get; set; }
    /// <summary>CPU features or GPU name and memory, as JSON.</summary>
    public string CapabilitiesJson { get; set; } = "{}";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset LastHeartbeatAt { get; set; }
}
