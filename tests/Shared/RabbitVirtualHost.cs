using System.Globalization;
using Platform.Bus;

namespace Platform.Tests.Shared;

/// <summary>
/// A fresh RabbitMQ virtual host on the shared node (guest may use it), so one test class's queues never
/// mix with another's or with other checkouts'; deleted afterwards.
/// </summary>
public sealed class RabbitVirtualHost : IAsyncLifetime
{
    private static readonly TimeSpan CtlTimeout = TimeSpan.FromSeconds(60);
    private bool _created;

    public string Name { get; } = "qplat-test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary><c>rabbitmq://host:port/vhost</c> on the node QPLAT_RABBIT names.</summary>
    public Uri Uri => new UriBuilder(new BusOptions().ResolveRabbitUri()) { Path = "/" + Name }.Uri;

    public async Task InitializeAsync()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(BusOptions.RabbitVariable)))
            throw new InvalidOperationException($"{BusOptions.RabbitVariable} is not set: this test needs RabbitMQ. Run scripts/services.sh up and source .local/services/env.");
        await ServicesScript.RunAsync(CtlTimeout, "rabbitmqctl", "add_vhost", Name);
        _created = true;
        await ServicesScript.RunAsync(CtlTimeout, "rabbitmqctl", "set_permissions", "-p", Name, "guest", ".*", ".*", ".*");
    }

    public async Task DisposeAsync()
    {
        if (_created) await ServicesScript.RunAsync(CtlTimeout, "rabbitmqctl", "delete_vhost", Name);
    }

    /// <summary>Messages ready plus unacknowledged in each queue of this vhost (queue name → count).</summary>
    public async Task<IReadOnlyDictionary<string, long>> QueueDepthsAsync()
    {
        var text = await ServicesScript.RunAsync(CtlTimeout, "rabbitmqctl", "list_queues", "-p", Name, "--quiet", "--no-table-headers",
            "name", "messages_ready", "messages_unacknowledged");
        var depths = new Dictionary<string, long>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('\t', StringSplitOptions.TrimEntries);
            if (parts.Length == 3 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var ready) && long.TryParse(parts[2], CultureInfo.InvariantCulture, out var unacked))
                depths[parts[0]] = ready + unacked;
        }
        return depths;
    }
}
