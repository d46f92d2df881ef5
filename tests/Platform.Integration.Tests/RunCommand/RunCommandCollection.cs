namespace Platform.Integration.Tests.RunCommand;

/// <summary>
/// The run command starts the machine's shared services and a web app and worker of its own: it runs
/// alone, never beside another test class of this collection.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunCommandCollection
{
    public const string Name = "RunCommand";
}
