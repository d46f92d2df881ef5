using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Worker.Hosting;

namespace Platform.Worker.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void Device_id_and_configuration_arguments_are_parsed()
    {
        var parsed = WorkerCommandLine.Parse(["--device", "cpu", "--id", "w1", "--Platform:Worker:Concurrency=3", "--Platform:Bus:Transport", "InMemory"]);
        Assert.Equal(DeviceClass.Cpu, parsed.Device);
        Assert.Equal("w1", parsed.Id);
        Assert.Equal(["--Platform:Worker:Concurrency=3", "--Platform:Bus:Transport", "InMemory"], parsed.ConfigurationArguments);
        Assert.Equal(DeviceClass.Any, WorkerCommandLine.Parse(["--device=any"]).Device);
    }

    [Theory]
    [InlineData(new string[0], "--device is required")]
    [InlineData(new[] { "--device", "tpu" }, "'tpu' is not a device class")]
    [InlineData(new[] { "--device" }, "--device needs a value")]
    [InlineData(new[] { "--device", "cpu", "--frobnicate" }, "unknown argument '--frobnicate'")]
    public async Task Bad_arguments_print_the_problem_and_the_usage_and_exit_2(string[] args, string problem)
    {
        var stderr = new StringWriter();
        Assert.Equal(2, await WorkerHost.RunAsync(args, stderr));
        Assert.Contains(problem, stderr.ToString());
        Assert.Contains("usage: Platform.Worker --device cpu|cuda|any", stderr.ToString());
    }

    [Fact]
    public async Task A_bad_configuration_value_names_the_key_and_exits_2()
    {
        var stderr = new StringWriter();
        Assert.Equal(2, await WorkerHost.RunAsync(["--device", "cpu", "--Platform:Worker:LeaseSeconds=10", "--Platform:Worker:HeartbeatSeconds=20"], stderr));
        Assert.Contains("Platform:Worker:HeartbeatSeconds", stderr.ToString());
    }

    [Fact]
    public async Task Device_cuda_exits_2_saying_there_is_no_cuda_device()
    {
        var stderr = new StringWriter();
        Assert.Equal(2, await WorkerHost.RunAsync(["--device", "cuda"], stderr));
        Assert.Contains("no CUDA device", stderr.ToString());
        Assert.Contains("--device cpu or any", stderr.ToString());
    }

    [Fact]
    public async Task The_built_worker_process_exits_2_on_device_cuda()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Platform.Worker.dll");
        Assert.True(File.Exists(dll), $"{dll} is not beside the tests");
        var start = new ProcessStartInfo("dotnet", ["exec", dll, "--device", "cuda"])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("no CUDA device", await stderr);
    }

    [Fact]
    public void Device_any_runs_as_a_cpu_worker_with_configured_lease_and_heartbeat()
    {
        var builder = WorkerHost.Prepare(["--device", "any", "--id", "w-any", "--Platform:Worker:LeaseSeconds=40", "--Platform:Bus:Transport=InMemory"], new StringWriter());
        Assert.NotNull(builder);
        using var provider = builder.Services.BuildServiceProvider();
        var options = provider.GetRequiredService<WorkerOptions>();
        Assert.Equal((DeviceClass.Cpu, "w-any", TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(10)),
            (options.Device, options.Id, options.Lease, options.Heartbeat));
    }
}
