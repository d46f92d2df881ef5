namespace Platform.Cli;

/// <summary>Bad command-line input: printed to stderr, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);
