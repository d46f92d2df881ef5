namespace Platform.Bus.Telemetry;

/// <summary>Configuration section <c>Platform:Telemetry</c>, shared by every host.</summary>
public sealed class PlatformTelemetryOptions
{
    public const string Section = "Platform:Telemetry";

    /// <summary>The standard OpenTelemetry variable; honoured when <see cref="OtlpEndpoint"/> is not set.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Where traces and metrics go over OTLP, e.g. <c>http://collector:4317</c>. Unset: nothing is exported.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (the default, port 4317) or <c>http/protobuf</c> (port 4318).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>
    /// Collects traces and metrics even without an OTLP endpoint (an exporter registered elsewhere, as the
    /// tests do). Unset: on exactly when an endpoint is configured, so a host without one pays nothing.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>How often the web app counts jobs by status and live workers for the gauges.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The OTLP endpoint from configuration, else from <see cref="OtlpEndpointVariable"/>; null when neither is set.</summary>
    public string? ResolveOtlpEndpoint() =>
        OtlpEndpoint is { Length: > 0 } configured ? configured
        : Environment.GetEnvironmentVariable(OtlpEndpointVariable) is { Length: > 0 } fromEnv ? fromEnv
        : null;

    public bool IsEnabled => Enabled ?? ResolveOtlpEndpoint() is not null;
}
