using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Worker.Telemetry;

/// <summary>
/// The worker's traces and metrics, under one name for the ActivitySource and the Meter. They cost nothing
/// until a host turns OpenTelemetry on (AddPlatformTelemetry with an exporter configured).
/// </summary>
public static class WorkerTelemetry
{
    public const string Name = "Platform.Worker";

    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);

    /// <summary>Quantize commands handled, tagged with <c>outcome</c> (succeeded, failed, cancelled, notclaimed, leaselost, released).</summary>
    public static readonly Counter<long> Jobs = Meter.CreateCounter<long>("platform.worker.jobs", description: "Quantize commands handled by outcome");

    /// <summary>From the claim to the final status, tagged with <c>outcome</c>.</summary>
    public static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>("platform.worker.job.duration", "s", "Job run time on the worker");

    /// <summary>Time spent in each stage (staging, load, calibrate, quantize, evaluate, measure, store), tagged with <c>stage</c>.</summary>
    public static readonly Histogram<double> StageDuration = Meter.CreateHistogram<double>("platform.worker.stage.duration", "s", "Job run time by stage");
}
