using System.Diagnostics;
using Platform.Bus;

namespace Platform.Web.Tests.Jobs;

/// <summary>
/// A fresh RabbitMQ virtual host on the server of $QPLAT_RABBIT, so this test's queues never mix with other
/// test runs' (the web's consumer queues have fixed names). Made with the project's services script
/// (<c>scripts/services.sh rabbitmqctl</c>, or the script named by $QPLAT_SERVICES_SCRIPT when the
/// services were started from another checkout).
/// </summary>
public sealed class RabbitMqVirtualHost
{
    public const string ScriptVariable = "QPLAT_SERVICES_SCRIPT";

    public string Name { get; } = "test-" + Guid.NewGuid().ToString("N");

    /// <summary>The broker's address with this virtual host.</summary>
    public string Uri { get; private set; } = "";

    public async Task CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(BusOptions.RabbitVariable);
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException($"{BusOptions.RabbitVariable} is not set: this test needs RabbitMQ. Run scripts/services.sh up and source .local/services/env.");
        await CtlAsync("add_vhost", Name);
        await CtlAsync("set_permissions", "-p", Name, "guest", ".*", ".*", ".*");
        Uri = new UriBuilder(server) { Path = "/" + Name }.Uri.ToString();
    }

    public Task DeleteAsync() => CtlAsync("delete_vhost", Name);

    private static async Task CtlAsync(params string[] args)
    {
        var script = Environment.GetEnvironmentVariable(ScriptVariable) is { Length: > 0 } s ? s : Path.Combine(RepoRoot(), "scripts", "services.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, "rabbitmqctl" }.Concat(args)) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} rabbitmqctl {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Platform.sln above {AppContext.BaseDirectory}.");
    }
}
