using Microsoft.Extensions.Configuration;
using Platform.Contracts;

namespace Platform.Worker.Hosting;

/// <summary>
/// Configuration section <c>Platform:Worker</c> plus what the command line decides (device, id).
/// Built once by <see cref="FromConfiguration"/>; the lease and heartbeat periods are validated there.
/// </summary>
public sealed class WorkerOptions
{
    public const string Section = "Platform:Worker";

    /// <summary>The device class this worker runs jobs on; never <see cref="DeviceClass.Any"/> once resolved.</summary>
    public DeviceClass Device { get; init; } = DeviceClass.Cpu;

    /// <summary>Lease owner and worker_instances key; unique per running worker.</summary>
    public string Id { get; init; } = DefaultId(DeviceClass.Cpu);

    /// <summary>How long a claim or renewal holds the job; the reaper takes it back after this without a renewal.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the lease is renewed and the worker row touched; a quarter of the lease unless configured.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Jobs run at once by this worker, across all the queues it consumes.</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>Engine threads per job.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Where each job stages its model and data sets (a folder per job, removed afterwards).</summary>
    public string ScratchDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "qplat-worker");

    /// <summary>Timed single-batch runs of the quantized model for the variant's latency; 0 skips the measurement.</summary>
    public int LatencyRuns { get; init; } = 20;

    /// <summary>Least time between two progress events of one job (stage changes are always sent).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public static string DefaultId(DeviceClass device) =>
        $"{Environment.MachineName}-{device.ToString().ToLowerInvariant()}-{Environment.ProcessId}";

    /// <summary>Reads <c>Platform:Worker:*</c> (LeaseSeconds, HeartbeatSeconds, Concurrency, Threads, ScratchDirectory, LatencyRuns, ProgressIntervalMs).</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names the key.</exception>
    public static WorkerOptions FromConfiguration(IConfiguration configuration, DeviceClass device, string? id)
    {
        var s = configuration.GetSection(Section);
        double leaseSeconds = Number(s, "LeaseSeconds", 60, min: 0.1);
        double heartbeatSeconds = Number(s, "HeartbeatSeconds", leaseSeconds / 4, min: 0.05);
        if (heartbeatSeconds >= leaseSeconds)
            throw new ArgumentException($"{Section}:HeartbeatSeconds ({heartbeatSeconds}) must be shorter than {Section}:LeaseSeconds ({leaseSeconds}), or the lease expires between renewals.");
        return new WorkerOptions
        {
            Device = device,
            Id = string.IsNullOrWhiteSpace(id) ? DefaultId(device) : id.Trim(),
            Lease = TimeSpan.FromSeconds(leaseSeconds),
            Heartbeat = TimeSpan.FromSeconds(heartbeatSeconds),
            Concurrency = (int)Number(s, "Concurrency", 1, min: 1),
            Threads = (int)Number(s, "Threads", Environment.ProcessorCount, min: 1),
            ScratchDirectory = s["ScratchDirectory"] is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "qplat-worker"),
            LatencyRuns = (int)Number(s, "LatencyRuns", 20, min: 0),
            ProgressInterval = TimeSpan.FromMilliseconds(Number(s, "ProgressIntervalMs", 250, min: 0)),
        };
    }

    private static double Number(IConfigurationSection s, string key, double fallback, double min)
    {
        var text = s[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) || v < min)
            throw new ArgumentException($"{Section}:{key} = '{text}' is not a number ≥ {min}.");
        return v;
    }
}
