namespace Platform.Worker.Devices;

/// <summary>The device class asked for is not available on this machine or in this build; the host exits with 2.</summary>
public sealed class NoDeviceException(string message) : Exception(message);
