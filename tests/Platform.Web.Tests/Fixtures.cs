namespace Platform.Web.Tests;

/// <summary>Files under tests/fixtures, found from the test binaries by walking up to the repository root.</summary>
internal static class Fixtures
{
    public static string Model(string fileName) => Path.Combine(RepoRoot, "tests", "fixtures", "models", fileName);

    private static string RepoRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Platform.sln above {AppContext.BaseDirectory}.");
    }
}
