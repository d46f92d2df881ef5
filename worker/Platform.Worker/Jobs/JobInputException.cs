namespace Platform.Worker.Jobs;

/// <summary>The job row itself cannot run (wrong kind, a data set missing); the message says what to fix.</summary>
public sealed class JobInputException(string message) : Exception(message);
