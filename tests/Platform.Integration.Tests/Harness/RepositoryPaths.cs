namespace Platform.Integration.Tests.Harness;

/// <summary>
/// Where things are: the repository these binaries were built from (found by walking up to Platform.sln),
/// and the checkout whose scripts/services.sh runs the shared PostgreSQL and RabbitMQ
/// (the same repository unless QPLAT_SERVICES_ROOT names another, e.g. the main checkout of a worktree).
/// </summary>
public static class RepositoryPaths
{
    public const string ServicesRootVariable = "QPLAT_SERVICES_ROOT";

    public static string Root { get; } = FindRoot();

    public static string ServicesRoot =>
        Environment.GetEnvironmentVariable(ServicesRootVariable) is { Length: > 0 } configured ? configured : Root;

    public static string ServicesScript => Path.Combine(ServicesRoot, "scripts", "services.sh");

    public static string Model(string fileName) => Path.Combine(Root, "tests", "fixtures", "models", fileName);

    public const string WorkerDllVariable = "QPLAT_WORKER_DLL";

    /// <summary>
    /// The worker's entry assembly in its own build output (same configuration as these tests), or QPLAT_WORKER_DLL.
    /// Not the copy beside the tests: there the ASP.NET Core shared framework stands in for packages the worker
    /// carries itself (Microsoft.Extensions.Diagnostics.HealthChecks), and the worker would not start.
    /// </summary>
    public static string WorkerDll
    {
        get
        {
            if (Environment.GetEnvironmentVariable(WorkerDllVariable) is { Length: > 0 } configured) return configured;
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = tfm.Parent?.Name ?? "Debug";
            var path = Path.Combine(Root, "worker", "Platform.Worker", "bin", configuration, tfm.Name, "Platform.Worker.dll");
            if (!File.Exists(path))
                throw new InvalidOperationException($"{path} is missing: build tests/Platform.Integration.Tests (it references worker/Platform.Worker), or set {WorkerDllVariable}.");
            return path;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Platform.sln above {AppContext.BaseDirectory}.");
    }
}
