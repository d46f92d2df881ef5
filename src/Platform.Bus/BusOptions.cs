namespace Platform.Bus;

/// <summary>Configuration section <c>Platform:Bus</c>, shared by the web app and the worker.</summary>
public sealed class BusOptions
{
    public const string Section = "Platform:Bus";

    /// <summary>Environment variable holding the RabbitMQ address when the configuration has none (scripts/services.sh writes it).</summary>
    public const string RabbitVariable = "QPLAT_RABBIT";

    public const string DefaultRabbitUri = "rabbitmq://127.0.0.1:55672/";

    /// <summary><see cref="BusTransport.RabbitMq"/> (the default) or <see cref="BusTransport.InMemory"/> for a single process.</summary>
    public BusTransport Transport { get; set; } = BusTransport.RabbitMq;

    /// <summary><c>rabbitmq://user:password@host:port/vhost</c>; guest/guest when the address carries no user.</summary>
    public string? RabbitUri { get; set; }

    public Uri ResolveRabbitUri() => new(
        RabbitUri is { Length: > 0 } configured ? configured
        : Environment.GetEnvironmentVariable(RabbitVariable) is { Length: > 0 } fromEnv ? fromEnv
        : DefaultRabbitUri);
}
