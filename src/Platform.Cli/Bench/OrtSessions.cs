using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Graph;
using Platform.Quantization.Onnx;

namespace Platform.Cli.Bench;

/// <summary>
/// Times ONNX Runtime on a model: one session at a time, intra-op spinning off (its spinning threads would
/// otherwise steal the next measurement's core), and a short pause after each so nothing lingers.
/// </summary>
internal static class OrtSessions
{
    public static LatencyStats Time(OnnxModel model, IReadOnlyList<NamedOnnxValue> inputs, int threads, double budgetMs)
    {
        var bytes = OnnxModelWriter.ToBytes(model);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        using var session = new InferenceSession(bytes, options);
        var stats = BenchTimer.Time(() => { using var outputs = session.Run(inputs); }, budgetMs);
        Thread.Sleep(50);
        return stats;
    }

    public static NamedOnnxValue Input<T>(string name, T[] data, params int[] shape) =>
        NamedOnnxValue.CreateFromTensor(name, new DenseTensor<T>(data, shape));
}
