using System.Diagnostics.Metrics;

namespace Platform.Worker.Telemetry;

/// <summary>
/// The worker's own metrics (meter <see cref="Name"/>), beside the shared ones it records into
/// <c>PlatformMetrics</c> (queue wait, stage durations) and its spans on <c>PlatformTelemetry.Source</c>.
/// They cost nothing until a host turns OpenTelemetry on.
/// </summary>
public static class WorkerTelemetry
{
    public const string Name = "Platform.Worker";

    private static readonly Meter Meter = new(Name);

    /// <summary>Quantize commands handled, tagged with <c>outcome</c> (succeeded, failed, cancelled, notclaimed, leaselost, released).</summary>
    public static readonly Counter<long> Jobs = Meter.CreateCounter<long>("platform.worker.jobs", description: "Quantize commands handled by outcome");

    /// <summary>From the claim to the final status, tagged with <c>outcome</c>.</summary>
    public static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>("platform.worker.job.duration", "s", "Job run time on the worker");
}
