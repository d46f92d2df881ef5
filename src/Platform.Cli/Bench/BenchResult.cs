namespace Platform.Cli.Bench;

/// <summary>One measured case: a kernel or a whole model on one engine, one format, one shape, one thread count.</summary>
/// <param name="Name">The case: <c>gemm</c>, <c>gemv</c>, <c>square</c>, or the model's name.</param>
/// <param name="Format">fp32, fp16, int8, int4, binary (XNOR), binary-connect, pq.</param>
/// <param name="Engine"><c>ours</c> or <c>ort</c>.</param>
/// <param name="Shape">M×N×K for kernels, the input shape for models.</param>
/// <param name="Gops">Multiply-adds × 2 per second (10⁹), the dense-equivalent rate; null for models.</param>
public sealed record BenchResult(string Name, string Format, string Engine, string Shape, int Threads, double MsP50, double MsP90, double? Gops);
