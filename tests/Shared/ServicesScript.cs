using System.Diagnostics;
using System.Text;

namespace Platform.Tests.Shared;

/// <summary>
/// Runs <c>scripts/services.sh</c> (rabbitmqctl, up/down of one service) of the checkout that runs the shared
/// PostgreSQL and RabbitMQ: the repository these tests were built from (found by walking up to Platform.sln),
/// unless QPLAT_SERVICES_ROOT names another (e.g. the main checkout of a worktree).
/// </summary>
public static class ServicesScript
{
    public const string ServicesRootVariable = "QPLAT_SERVICES_ROOT";

    public static string ServicesRoot =>
        Environment.GetEnvironmentVariable(ServicesRootVariable) is { Length: > 0 } configured ? configured : RepositoryRoot;

    /// <summary>The repository these binaries were built from.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Platform.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Runs it with <paramref name="args"/>; throws with its output when it exits non-zero or overruns.</summary>
    public static async Task<string> RunAsync(TimeSpan timeout, params string[] args)
    {
        var script = Path.Combine(ServicesRoot, "scripts", "services.sh");
        if (!File.Exists(script))
            throw new InvalidOperationException($"{script} is missing; set {ServicesRootVariable} to the checkout that runs the services.");
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = ServicesRoot };
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"services.sh {string.Join(' ', args)} ran past {timeout.TotalSeconds:F0} s: {await stdout}{await stderr}");
        }
        output.Append(await stdout).Append(await stderr);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"services.sh {string.Join(' ', args)} exited {process.ExitCode}: {output}");
        return output.ToString();
    }
}
