namespace Platform.Worker.Hosting;

/// <summary>The command line is wrong: the host prints the message and the usage, and exits with 2.</summary>
public sealed class WorkerUsageException(string? message) : Exception(message ?? "");
