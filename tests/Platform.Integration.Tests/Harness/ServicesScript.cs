using System.Diagnostics;
using System.Text;

namespace Platform.Integration.Tests.Harness;

/// <summary>Runs <c>scripts/services.sh</c> of <see cref="RepositoryPaths.ServicesRoot"/> (rabbitmqctl, up/down of one service).</summary>
public static class ServicesScript
{
    /// <summary>Runs it with <paramref name="args"/>; throws with its output when it exits non-zero or overruns.</summary>
    public static async Task<string> RunAsync(TimeSpan timeout, params string[] args)
    {
        var script = RepositoryPaths.ServicesScript;
        if (!File.Exists(script))
            throw new InvalidOperationException($"{script} is missing; set {RepositoryPaths.ServicesRootVariable} to the checkout that runs the services.");
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryPaths.ServicesRoot };
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
