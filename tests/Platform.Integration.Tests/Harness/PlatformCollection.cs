namespace Platform.Integration.Tests.Harness;

/// <summary>
/// The test classes that share one platform (database, vhost, web app): each starts the workers it needs and
/// stops the others first, and looks only at its own team's rows. Sharing saves a database, a vhost and an app
/// start per class, seconds each on this machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformHarness>
{
    public const string Name = "shared platform";
}
