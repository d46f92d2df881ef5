using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Contracts;
using Platform.Worker.Devices;

namespace Platform.Worker.Hosting;

/// <summary>The worker process: arguments → device → host → run until stopped. Exit 2 on bad arguments or a missing device.</summary>
public static class WorkerHost
{
    public const int Ok = 0, Usage = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter? stderr = null)
    {
        stderr ??= Console.Error;
        if (Prepare(args, stderr) is not { } builder) return Usage;
        using var host = builder.Build();
        await host.RunAsync();
        return Ok;
    }

    /// <summary>Parses the command line and builds (but does not start) the host; null after printing why it cannot.</summary>
    public static HostApplicationBuilder? Prepare(string[] args, TextWriter stderr)
    {
        try
        {
            var commandLine = WorkerCommandLine.Parse(args);
            DeviceClass device = DeviceSelector.Resolve(commandLine.Device);
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                Args = [.. commandLine.ConfigurationArguments],
                // appsettings.json ships beside the binary; the working directory is wherever the worker was started.
                ContentRootPath = AppContext.BaseDirectory,
            });
            var options = WorkerOptions.FromConfiguration(builder.Configuration, device, commandLine.Id);
            builder.Services.AddPlatformWorker(builder.Configuration, options);
            return builder;
        }
        catch (WorkerUsageException e)
        {
            if (e.Message.Length > 0) stderr.WriteLine("error: " + e.Message);
            stderr.WriteLine(WorkerCommandLine.Usage);
        }
        catch (NoDeviceException e)
        {
            stderr.WriteLine(e.Message);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            // Bad configuration values, or arguments the configuration's command-line parser rejects.
            stderr.WriteLine("error: " + e.Message);
            stderr.WriteLine(WorkerCommandLine.Usage);
        }
        return null;
    }
}
