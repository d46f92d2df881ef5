using Platform.Contracts;

namespace Platform.Worker.Hosting;

/// <summary>
/// <c>Platform.Worker --device cpu|cuda|any [--id NAME] [--Section:Key=value ...]</c>. The device and id are
/// the worker's own options; every other argument goes to the configuration (as <c>--Platform:Worker:Concurrency=2</c>).
/// </summary>
public sealed record WorkerCommandLine(DeviceClass Device, string? Id, IReadOnlyList<string> ConfigurationArguments)
{
    public const string Usage =
        "usage: Platform.Worker --device cpu|cuda|any [--id NAME] [--Platform:Worker:Concurrency=N ...]\n" +
        "  --device  the device class whose queue this worker consumes (it also consumes quantize-any)\n" +
        "  --id      worker id, the lease owner shown on jobs (default HOST-DEVICE-PID)\n" +
        "  configuration: ConnectionStrings:Platform (else $QPLAT_PG), Platform:Bus:Transport|RabbitUri (else $QPLAT_RABBIT),\n" +
        "  Platform:Worker:LeaseSeconds (60), HeartbeatSeconds (lease/4), Concurrency (1), Threads (cores), ScratchDirectory";

    /// <exception cref="WorkerUsageException">Missing or unknown device, a flag without its value; the message says which.</exception>
    public static WorkerCommandLine Parse(IReadOnlyList<string> args)
    {
        DeviceClass? device = null;
        string? id = null;
        var rest = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string? inline = null;
            string name = a;
            if (a.StartsWith("--", StringComparison.Ordinal) && a.IndexOf('=') is > 2 and var eq)
            {
                name = a[..eq];
                inline = a[(eq + 1)..];
            }
            switch (name)
            {
                case "--device":
                    device = ParseDevice(inline ?? Value(args, ref i, name));
                    break;
                case "--id":
                    id = inline ?? Value(args, ref i, name);
                    if (string.IsNullOrWhiteSpace(id)) throw new WorkerUsageException("--id needs a non-empty name.");
                    break;
                case "-h" or "--help":
                    throw new WorkerUsageException(null);
                default:
                    if (!a.StartsWith("--", StringComparison.Ordinal) || !a.Contains(':'))
                        throw new WorkerUsageException($"unknown argument '{a}' (configuration arguments look like --Platform:Worker:Concurrency=2).");
                    rest.Add(a);
                    if (inline is null && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) rest.Add(args[++i]);
                    break;
            }
        }
        if (device is null) throw new WorkerUsageException("--device is required (cpu, cuda or any).");
        return new WorkerCommandLine(device.Value, id, rest);
    }

    private static DeviceClass ParseDevice(string text) => text.Trim().ToLowerInvariant() switch
    {
        "cpu" => DeviceClass.Cpu,
        "cuda" or "gpu" => DeviceClass.Cuda,
        "any" => DeviceClass.Any,
        _ => throw new WorkerUsageException($"--device '{text}' is not a device class: use cpu, cuda or any."),
    };

    private static string Value(IReadOnlyList<string> args, ref int i, string name)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new WorkerUsageException($"{name} needs a value.");
        return args[++i];
    }
}
