namespace Platform.Bus;

public enum BusTransport
{
    RabbitMq,
    /// <summary>Messages never leave the process: tests and the single-process mode.</summary>
    InMemory,
}
