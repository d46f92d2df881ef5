namespace Platform.Contracts.Messages;

/// <summary>
/// Queue names. Each device class has its own queue, so a latency stored for a variant was measured on
/// that class of device. Jobs that accept any device go to <c>quantize-any</c>, which every worker also consumes.
/// </summary>
public static class Queues
{
    public static string Quantize(DeviceClass device) => "quantize-" + Name(device);

    public static string Search(DeviceClass device) => "search-" + Name(device);

    public static string Name(DeviceClass device) => device switch
    {
        DeviceClass.Cpu => "cpu",
        DeviceClass.Cuda => "cuda",
        DeviceClass.Any => "any",
        _ => throw new ArgumentOutOfRangeException(nameof(device), device, "unknown device class"),
    };
}
