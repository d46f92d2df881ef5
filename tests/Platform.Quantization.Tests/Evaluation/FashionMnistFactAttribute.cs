namespace Platform.Quantization.Tests.Evaluation;

/// <summary>A fact that runs only where Debian's dataset-fashion-mnist package is installed.</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";

    public FashionMnistFactAttribute()
    {
        if (!File.Exists(Path.Combine(Folder, "t10k-images-idx3-ubyte.gz")))
            Skip = "dataset-fashion-mnist not installed";
    }
}
