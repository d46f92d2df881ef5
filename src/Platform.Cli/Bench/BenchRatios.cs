namespace Platform.Cli.Bench;

/// <summary>
/// The ratio table of `qplat bench --json` — names are a contract pipelines read. Each is a speed-up: time of the
/// baseline over time of the subject, so &gt; 1 means the subject (ours, or the low-bit format) is faster.
/// Null where a side was not measured.
/// </summary>
internal static class BenchRatios
{
    /// <summary>Four significant digits: a slow path's 0.0004 must not print as 0.</summary>
    private static double FourDigits(double r) =>
        r <= 0 ? r : Math.Round(r, Math.Clamp(3 - (int)Math.Floor(Math.Log10(r)), 0, 15));

    public static SortedDictionary<string, double?> Compute(IReadOnlyList<BenchResult> results, int threads, BenchCases cases, string? model)
    {
        double? Ms(string name, string shape, string format, string engine) =>
            results.FirstOrDefault(r => r.Name == name && r.Shape == shape && r.Format == format && r.Engine == engine && r.Threads == threads)?.MsP50;
        double? Ratio(double? baseline, double? subject) =>
            baseline is { } b && subject is { } s && s > 0 ? FourDigits(b / s) : null;
        double? ModelMs(string format, string engine) =>
            model is null ? null : results.FirstOrDefault(r => r.Name == model && r.Format == format && r.Engine == engine && r.Threads == threads)?.MsP50;

        string sq = cases.Square, gemm = cases.LargestGemm, gemv = cases.LargestGemv;
        return new SortedDictionary<string, double?>(StringComparer.Ordinal)
        {
            ["fp32GemmVsOrt"] = Ratio(Ms("square", sq, "fp32", "ort"), Ms("square", sq, "fp32", "ours")),
            ["int8GemmVsFp32"] = Ratio(Ms("square", sq, "fp32", "ours"), Ms("square", sq, "int8", "ours")),
            ["int8GemmVsOrt"] = Ratio(Ms("square", sq, "int8", "ort"), Ms("square", sq, "int8", "ours")),
            ["int4GemmVsOrt"] = Ratio(Ms("gemm", gemm, "int4", "ort"), Ms("gemm", gemm, "int4", "ours")),
            ["int4GemvVsOrt"] = Ratio(Ms("gemv", gemv, "int4", "ort"), Ms("gemv", gemv, "int4", "ours")),
            ["binaryGemmVsFp32"] = Ratio(Ms("square", sq, "fp32", "ours"), Ms("square", sq, "binary", "ours")),
            ["pqGemvVsFp32"] = Ratio(Ms("gemv", gemv, "fp32", "ours"), Ms("gemv", gemv, "pq", "ours")),
            ["modelFp32VsOrt"] = Ratio(ModelMs("fp32", "ort"), ModelMs("fp32", "ours")),
            ["modelInt8VsFp32"] = Ratio(ModelMs("fp32", "ours"), ModelMs("int8", "ours")),
            ["modelInt8VsOrtQdq"] = Ratio(ModelMs("int8", "ort"), ModelMs("int8", "ours")),
        };
    }
}
