using Platform.Quantization.Evaluation;
using Platform.Quantization.Tensors;

namespace Platform.Worker.Tests.Infrastructure;

/// <summary>Fixture models and small data sets made on the fly.</summary>
public static class Fixtures
{
    public const string FashionFolder = "/usr/share/datasets/fashion-mnist";

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Model(string fileName) => Path.Combine(RepoRoot, "tests", "fixtures", "models", fileName);

    public static string TempDirectory(string name)
    {
        var d = Path.Combine(Path.GetTempPath(), "qplat-worker-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>
    /// Digits-shaped data for digits_mlp.onnx: x float32 [n, 64] in [0, 1], y int64 [n]; deterministic.
    /// <paramref name="features"/> other than 64 gives a data set the model cannot take.
    /// </summary>
    public static byte[] DigitsNpz(int samples, int seed = 7, int features = 64)
    {
        var random = new Random(seed);
        var x = new float[samples * features];
        for (int i = 0; i < x.Length; i++) x[i] = random.Next(17) / 16f;
        var y = new long[samples];
        for (int i = 0; i < samples; i++) y[i] = random.Next(10);
        using var buffer = new MemoryStream();
        using (var writer = new NpzWriter(buffer, leaveOpen: true))
        {
            writer.WriteArray("x", new Tensor(DataType.Float, [samples, features], x));
            writer.WriteArray("y", new Tensor(DataType.Int64, [samples], y));
        }
        return buffer.ToArray();
    }

    /// <summary>Fashion-MNIST records [offset, offset + count) of the train or test split as .npz (x [n,1,28,28] in [0,1], y).</summary>
    public static string FashionNpz(string directory, bool train, int offset, int count)
    {
        string split = train ? "train" : "t10k";
        Assert.True(File.Exists(Path.Combine(FashionFolder, split + "-images-idx3-ubyte.gz")),
            $"dataset-fashion-mnist is not installed ({FashionFolder} is missing)");
        var path = Path.Combine(directory, $"fashion-{split}-{offset}-{count}.npz");
        IdxImporter.Import(Path.Combine(FashionFolder, split + "-images-idx3-ubyte.gz"), Path.Combine(FashionFolder, split + "-labels-idx1-ubyte.gz"), path, offset, count);
        return path;
    }

    private static string FindRepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Platform.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
    }
}
