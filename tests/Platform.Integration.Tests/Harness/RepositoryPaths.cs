namespace Platform.Integration.Tests.Harness;

/// <summary>Where things are in the repository these binaries were built from (the services script: <see cref="ServicesScript"/>).</summary>
public static class RepositoryPaths
{
    public static string Root => ServicesScript.RepositoryRoot;

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
}
