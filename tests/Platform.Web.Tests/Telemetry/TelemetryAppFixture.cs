using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Platform.Web.Tests.Sweeps;

namespace Platform.Web.Tests.Telemetry;

/// <summary>
/// The web app with telemetry on and no OTLP endpoint: spans are captured as they end, metrics go to
/// OpenTelemetry's in-memory exporter when a test flushes the meter provider.
/// </summary>
public sealed class TelemetryAppFixture : SweepsAppFixture
{
    public ConcurrentQueue<Activity> Spans { get; } = new();

    public List<MetricSnapshot> Metrics { get; } = [];

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Platform:Sweeps:Enabled"] = "false",
        ["Platform:Telemetry:Enabled"] = "true",
        // The test samples by hand; the background sampler stays out of the way.
        ["Platform:Telemetry:SampleInterval"] = "01:00:00",
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new Capture(Spans)));
        services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(Metrics,
            r => r.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)TimeSpan.FromHours(1).TotalMilliseconds));
    }

    /// <summary>Collects every ended span; a queue because spans end on many threads at once.</summary>
    private sealed class Capture(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }
}
