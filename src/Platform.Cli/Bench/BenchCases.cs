namespace Platform.Cli.Bench;

/// <summary>
/// The shapes a bench run measures. Full: the targets (1024³; M=256 and M=1 at N=K=1024 and 4096;
/// Fashion CNN at batch 64, ResNet18 at batch 1). Quick: small shapes that run in seconds, for CI's smoke test.
/// </summary>
internal sealed record BenchCases(int SquareSize, int GemmRows, int[] Sizes, int FashionBatch, bool ResNet18, double BudgetMs)
{
    public static BenchCases Full { get; } = new(1024, 256, [1024, 4096], 64, true, 1500);
    public static BenchCases Quick { get; } = new(128, 64, [256], 8, false, 150);

    public string Square => $"{SquareSize}x{SquareSize}x{SquareSize}";
    public string LargestGemm => $"{GemmRows}x{Sizes[^1]}x{Sizes[^1]}";
    public string LargestGemv => $"1x{Sizes[^1]}x{Sizes[^1]}";

    public IEnumerable<(string Name, int M, int N, int K)> Kernels()
    {
        yield return ("square", SquareSize, SquareSize, SquareSize);
        foreach (var s in Sizes) yield return ("gemm", GemmRows, s, s);
        foreach (var s in Sizes) yield return ("gemv", 1, s, s);
    }
}
