using System.Diagnostics.Metrics;
using Platform.Contracts;

namespace Platform.Bus.Telemetry;

/// <summary>
/// The platform's own instruments, on the meter <see cref="MeterName"/>. Hosts record into them; with no
/// listener (telemetry off) each call costs a branch. The gauges report the last snapshot the web app's
/// sampler stored, so reading them never touches the database.
/// </summary>
public sealed class PlatformMetrics : IDisposable
{
    public const string MeterName = "Platform";

    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _stageDuration;
    private readonly Counter<long> _sweepJobs;
    private Measurement<long>[] _jobs = [];
    private Measurement<long>[] _workers = [];

    public PlatformMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(new MeterOptions(MeterName));
        Meter.CreateObservableGauge("platform.jobs", () => Volatile.Read(ref _jobs), "{job}", "Jobs by status (last sample).");
        Meter.CreateObservableGauge("platform.workers", () => Volatile.Read(ref _workers), "{worker}", "Workers with a recent heartbeat, by device class (last sample).");
        _queueWait = Meter.CreateHistogram<double>("platform.job.queue_wait", "s", "Time from submission to a worker's claim (StartedAt - CreatedAt).");
        _stageDuration = Meter.CreateHistogram<double>("platform.job.stage.duration", "s", "Run time of one stage of a job on a worker.");
        _sweepJobs = Meter.CreateCounter<long>("platform.sweep.items", "{item}", "What the Hangfire sweeps acted on: jobs re-sent, reaped or failed, artifacts and workers deleted.");
    }

    public Meter Meter { get; }

    /// <summary>A worker claimed a job: how long it waited since it was submitted.</summary>
    public void RecordQueueWait(TimeSpan wait, DeviceClass device) =>
        _queueWait.Record(Math.Max(0, wait.TotalSeconds), new KeyValuePair<string, object?>("device", DeviceTag(device)));

    /// <summary>A stage of a job (calibrate, quantize, evaluate, ...) finished on a worker.</summary>
    public void RecordStage(string stage, TimeSpan duration, DeviceClass device) =>
        _stageDuration.Record(Math.Max(0, duration.TotalSeconds),
            new KeyValuePair<string, object?>("stage", stage), new KeyValuePair<string, object?>("device", DeviceTag(device)));

    /// <summary>A sweep acted on <paramref name="count"/> items; <paramref name="outcome"/> says what it did (resent, pending, failed, deleted).</summary>
    public void RecordSweep(string sweep, string outcome, long count = 1)
    {
        if (count <= 0) return;
        _sweepJobs.Add(count, new KeyValuePair<string, object?>("sweep", sweep), new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>Replaces the jobs-by-status snapshot; a status missing from <paramref name="counts"/> reads 0.</summary>
    public void SetJobCounts(IReadOnlyDictionary<JobStatus, long> counts) =>
        Volatile.Write(ref _jobs, Enum.GetValues<JobStatus>()
            .Select(s => new Measurement<long>(counts.GetValueOrDefault(s), new KeyValuePair<string, object?>("status", StatusTag(s))))
            .ToArray());

    /// <summary>Replaces the live-workers snapshot; a device class missing from <paramref name="counts"/> reads 0.</summary>
    public void SetWorkerCounts(IReadOnlyDictionary<DeviceClass, long> counts) =>
        Volatile.Write(ref _workers, Enum.GetValues<DeviceClass>()
            .Select(d => new Measurement<long>(counts.GetValueOrDefault(d), new KeyValuePair<string, object?>("device", DeviceTag(d))))
            .ToArray());

    public void Dispose() => Meter.Dispose();

    private static string DeviceTag(DeviceClass device) => device.ToString().ToLowerInvariant();

    private static string StatusTag(JobStatus status) => status.ToString().ToLowerInvariant();
}
