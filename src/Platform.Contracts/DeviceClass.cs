namespace Platform.Contracts;

/// <summary>The class of device a job asks for or a worker offers; each class has its own queue.</summary>
public enum DeviceClass
{
    Cpu,
    Cuda,
    Any,
}
