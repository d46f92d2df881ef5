namespace Platform.Quantization.Specs;

/// <summary>
/// The runtimes a variant's latency can be measured on (<see cref="QuantSpec.Runtime"/>): our kernels, every format;
/// or ONNX Runtime on the exported QDQ / MatMulNBits model, for the formats it runs.
/// </summary>
public static class LatencyRuntime
{
    public const string Ours = "ours";
    public const string OnnxRuntime = "onnxruntime";

    public static IReadOnlyList<string> Names { get; } = [Ours, OnnxRuntime];
}
