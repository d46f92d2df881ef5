using Platform.Quantization.Evaluation;

namespace Platform.Integration.Tests.Harness;

/// <summary>
/// Fashion-MNIST .npz data sets built from Debian's dataset-fashion-mnist IDX files by the engine's own
/// importer, once and kept in a temporary folder (the same bytes every time): calibration from the training images, evaluation from the test images.
/// </summary>
public static class FashionMnistSets
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";
    private static readonly string Directory = Path.Combine(Path.GetTempPath(), "qplat-integration-fashion");
    private static readonly Lock Gate = new();

    public static string Model => RepositoryPaths.Model("fashion_cnn_bn.onnx");

    /// <summary>The first <paramref name="count"/> training images (offset <paramref name="offset"/>).</summary>
    public static string Calibration(int count, int offset = 0) =>
        Build($"calib-{offset}-{count}.npz", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", offset, count);

    /// <summary>The first <paramref name="count"/> test images.</summary>
    public static string Evaluation(int count) =>
        Build($"eval-{count}.npz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 0, count);

    private static string Build(string name, string images, string labels, int offset, int count)
    {
        Assert.True(File.Exists(Path.Combine(Folder, images)),
            $"dataset-fashion-mnist is not installed ({Path.Combine(Folder, images)} is missing): apt-get install dataset-fashion-mnist");
        lock (Gate)
        {
            System.IO.Directory.CreateDirectory(Directory);
            var path = Path.Combine(Directory, name);
            if (!File.Exists(path))
            {
                var partial = $"{path}.{Environment.ProcessId}.partial";
                IdxImporter.Import(Path.Combine(Folder, images), Path.Combine(Folder, labels), partial, offset, count);
                File.Move(partial, path, overwrite: true);
            }
            return path;
        }
    }
}
