using Platform.Quantization.Evaluation;

namespace Platform.Quantization.Tests.Pipeline;

/// <summary>
/// Fashion-MNIST from Debian's dataset-fashion-mnist, imported once per test run with our IDX importer:
/// 1,000 training images for calibration, the 10,000 test images for evaluation.
/// </summary>
public sealed class FashionMnistData
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";
    public string Calibration { get; }
    public string Test { get; }

    public FashionMnistData()
    {
        Assert.True(File.Exists(Path.Combine(Folder, "t10k-images-idx3-ubyte.gz")),
            $"dataset-fashion-mnist is not installed ({Folder} is missing): the test command installs it");
        var dir = TestPaths.TempDirectory("fashion");
        Calibration = Path.Combine(dir, "calib-1000.npz");
        Test = Path.Combine(dir, "test-10000.npz");
        IdxImporter.Import(Path.Combine(Folder, "train-images-idx3-ubyte.gz"), Path.Combine(Folder, "train-labels-idx1-ubyte.gz"), Calibration, 0, 1000);
        IdxImporter.Import(Path.Combine(Folder, "t10k-images-idx3-ubyte.gz"), Path.Combine(Folder, "t10k-labels-idx1-ubyte.gz"), Test);
    }
}
