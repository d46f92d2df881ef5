using Platform.Contracts;

namespace Platform.Worker.Devices;

/// <summary>Turns the requested device class into the one this process really runs on.</summary>
public static class DeviceSelector
{
    /// <summary><c>cpu</c> and <c>any</c> give a CPU worker; <c>cuda</c> needs a CUDA backend, which this build lacks.</summary>
    /// <exception cref="NoDeviceException">cuda was asked for; the message says what to start instead.</exception>
    public static DeviceClass Resolve(DeviceClass requested) => requested switch
    {
        DeviceClass.Cpu or DeviceClass.Any => DeviceClass.Cpu,
        DeviceClass.Cuda => throw new NoDeviceException(
            "no CUDA device: this worker build has no CUDA backend (no Platform.Gpu kernels are linked in)" +
            (HasNvidiaDriver() ? "" : " and no NVIDIA driver was found (/proc/driver/nvidia)") +
            ", so it cannot run cuda jobs here. Start it with --device cpu or any."),
        _ => throw new ArgumentOutOfRangeException(nameof(requested), requested, "unknown device class"),
    };

    private static bool HasNvidiaDriver() => Directory.Exists("/proc/driver/nvidia");
}
