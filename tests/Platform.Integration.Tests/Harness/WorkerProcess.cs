using System.Diagnostics;
using System.Text;

namespace Platform.Integration.Tests.Harness;

/// <summary>
/// A real worker: <c>dotnet Platform.Worker.dll --device cpu</c> as its own OS process, pointed at the test's
/// database and vhost through environment variables. Its output is kept for failure messages; disposing kills it.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private const int KeptLines = 400;
    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();

    public string Label { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    private WorkerProcess(Process process, string label)
    {
        _process = process;
        Label = label;
    }

    public static WorkerProcess Start(string label, IReadOnlyDictionary<string, string> environment, string device = "cpu")
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Its own folder, so it reads its own appsettings.json.
            WorkingDirectory = Path.GetDirectoryName(RepositoryPaths.WorkerDll)!,
        };
        psi.ArgumentList.Add(RepositoryPaths.WorkerDll);
        psi.ArgumentList.Add("--device");
        psi.ArgumentList.Add(device);
        foreach (var (key, value) in environment) psi.Environment[key] = value;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process, label);
        process.OutputDataReceived += (_, e) => worker.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Keep(e.Data);
        if (!process.Start()) throw new InvalidOperationException($"could not start worker {label}: dotnet {RepositoryPaths.WorkerDll}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>The last lines it wrote (stdout and stderr), with its exit code once it ended.</summary>
    public string Output
    {
        get
        {
            var sb = new StringBuilder();
            sb.Append("---- worker ").Append(Label).Append(" (pid ").Append(_process.Id).Append(HasExited ? $", exited {_process.ExitCode}" : ", running").AppendLine(") ----");
            lock (_gate) foreach (var l in _lines) sb.AppendLine(l);
            return sb.ToString();
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no lease release; what a crash or an OOM kill looks like.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            _lines.Enqueue(line);
            while (_lines.Count > KeptLines) _lines.Dequeue();
        }
    }
}
