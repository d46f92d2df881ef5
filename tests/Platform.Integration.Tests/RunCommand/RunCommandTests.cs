using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Platform.Integration.Tests.RunCommand;

/// <summary>
/// The README's run command, as a user runs it: scripts/run.sh --once, twice. The first run prints the
/// URL and the tokens and its demo job succeeds; the second reuses the services, tokens and data.
/// </summary>
[Collection(RunCommandCollection.Name)]
public sealed partial class RunCommandTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(15);

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task Run_prints_url_and_tokens_and_the_demo_job_succeeds_then_a_second_run_reuses_everything()
    {
        int port = FreePort();

        var first = await RunAsync(port);
        Assert.True(first.ExitCode == 0, $"scripts/run.sh exited {first.ExitCode}:\n{first.Output}");
        Assert.Contains($"run: portal/API    http://127.0.0.1:{port}/api/v1", first.Output);
        Assert.Contains($"run: API reference http://127.0.0.1:{port}/scalar", first.Output);
        Assert.Matches(JobSucceeded(), first.Output);
        string admin = Single(AdminToken(), first.Output);
        string demo = Single(DemoToken(), first.Output);
        Assert.NotEqual(admin, demo);
        AssertNothingListens(port);

        var second = await RunAsync(port);
        Assert.True(second.ExitCode == 0, $"the second scripts/run.sh exited {second.ExitCode}:\n{second.Output}");
        Assert.Contains("postgres already running", second.Output);
        Assert.Contains("rabbitmq already running", second.Output);
        Assert.Contains("reusing team demo", second.Output);
        Assert.Contains("reusing the demo team's token", second.Output);
        Assert.Contains("reusing model fashion_cnn_bn", second.Output);
        Assert.Contains("reusing dataset fashion-mnist-calib-1000", second.Output);
        Assert.Contains("reusing dataset fashion-mnist-test-10k", second.Output);
        Assert.DoesNotContain("uploaded ", second.Output);
        Assert.Matches(JobSucceeded(), second.Output);
        Assert.Equal(admin, Single(AdminToken(), second.Output));
        Assert.Equal(demo, Single(DemoToken(), second.Output));
        AssertNothingListens(port);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(int port)
    {
        var root = RepositoryRoot();
        var psi = new ProcessStartInfo("bash")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "scripts/run.sh", "--once", "--no-build", "--config", Configuration, "--port", port.ToString() })
            psi.ArgumentList.Add(a);

        var text = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(RunTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // The script, its web app and its worker: nothing may outlive the test.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (text) Assert.Fail($"scripts/run.sh did not end within {RunTimeout.TotalMinutes} min:\n{text}");
        }
        process.WaitForExit(); // drains the redirected output
        string all;
        lock (text) all = text.ToString();
        output.WriteLine(all);
        return (process.ExitCode, all);
    }

    private static string Single(Regex pattern, string text)
    {
        var matches = pattern.Matches(text);
        Assert.True(matches.Count == 1, $"expected one line matching {pattern}, found {matches.Count}:\n{text}");
        return matches[0].Groups[1].Value;
    }

    private static void AssertNothingListens(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = Assert.Throws<SocketException>(() => socket.Connect(IPAddress.Loopback, port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Platform.sln")) && File.Exists(Path.Combine(d.FullName, "scripts", "run.sh")))
                return d.FullName;
        throw new InvalidOperationException($"No repository root (Platform.sln and scripts/run.sh) above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^run: admin token\s+(qp_[A-Za-z0-9_-]{43})\s*$", RegexOptions.Multiline)]
    private static partial Regex AdminToken();

    [GeneratedRegex(@"^run: demo token\s+(qp_[A-Za-z0-9_-]{43})\s+\(team demo\)\s*$", RegexOptions.Multiline)]
    private static partial Regex DemoToken();

    [GeneratedRegex(@"^run: demo job [0-9a-f-]{36} succeeded", RegexOptions.Multiline)]
    private static partial Regex JobSucceeded();
}
