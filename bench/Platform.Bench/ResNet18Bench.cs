using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Platform.Quantization.Graph.Passes;
using Platform.Quantization.Onnx;
using Platform.Quantization.Runtime;
using Tensor = Platform.Quantization.Tensors.Tensor;

namespace Platform.Bench;

/// <summary>ResNet18 (batch 1, fp32) latency: ONNX Runtime against our plan, same input, same thread count.</summary>
internal static class ResNet18Bench
{
    public static string ModelPath => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        ".nuget/packages/microsoft.ml.dnnimagefeaturizer.resnet18/0.23.1/tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx");

    public static void Run(int threads, int runs, bool profile, bool fuse)
    {
        var bytes = File.ReadAllBytes(ModelPath);
        var input = BenchCommands.RandomArray(3 * 224 * 224, 42);
        for (int i = 0; i < input.Length; i++) input[i] *= 100f;
        Console.WriteLine($"ResNet18 fp32, batch 1, {threads} thread(s), {runs} timed runs after warm-up; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

        // ONNX Runtime.
        float[] ortOut;
        double[] ort, ortCpu;
        using (var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL })
        using (var session = new InferenceSession(bytes, options))
        {
            string name = session.InputMetadata.Keys.First();
            var values = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(input, [1, 3, 224, 224])) };
            ortOut = [];
            ort = Time(() => { using var r = session.Run(values); ortOut = r.First().AsTensor<float>().ToArray(); }, runs, out ortCpu);
        }
        Thread.Sleep(100); // ORT's spinning workers must settle before we time our own threads.

        // Ours: BN folded into the convs (the engine's pass), Conv+Add+Relu fused like ORT does.
        var model = OnnxModelReader.Read(bytes);
        int folded = BatchNormFolding.Apply(model.Graph);
        var plan = new Plan(model, new PlanOptions { Threads = threads, FuseOperators = fuse });
        int fusedCount = plan.Steps.Count(s => s.OpType == "FusedConv");
        var inputs = new Dictionary<string, Tensor> { [model.Graph.Inputs[0].Name] = Tensor.FromArray(input, 1, 3, 224, 224) };
        float[] ourOut = [];
        var pause0 = GC.GetTotalPauseDuration();
        int gen2 = GC.CollectionCount(2), gen0 = GC.CollectionCount(0);
        var ours = Time(() => ourOut = plan.Run(inputs).Values.First().Floats, runs, out var oursCpu);
        var pauseMs = (GC.GetTotalPauseDuration() - pause0).TotalMilliseconds / (runs + 5);
        gen2 = GC.CollectionCount(2) - gen2;
        gen0 = GC.CollectionCount(0) - gen0;

        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < ortOut.Length; i++) { maxDiff = Math.Max(maxDiff, Math.Abs(ortOut[i] - ourOut[i])); maxRef = Math.Max(maxRef, Math.Abs(ortOut[i])); }
        Console.WriteLine($"  graph: {folded} BatchNormalization folded, {fusedCount} Conv(+Add)+Relu fused; {plan.Steps.Count} steps");
        Console.WriteLine($"  output max |ours - ORT| = {maxDiff:G3} (max |ORT| = {maxRef:G3})");
        Console.WriteLine($"  ONNX Runtime: median {Median(ort):F2} ms  p90 {P90(ort):F2} ms  min {ort[0]:F2} ms");
        Console.WriteLine($"  ours        : median {Median(ours):F2} ms  p90 {P90(ours):F2} ms  min {ours[0]:F2} ms");
        // The minimum is the run least disturbed by other processes: the steadiest figure on a shared machine.
        Console.WriteLine($"  ratio ours/ORT (median): {Median(ours) / Median(ort):F2}×   (p90): {P90(ours) / P90(ort):F2}×   (min): {ours[0] / ort[0]:F2}×");
        Console.WriteLine($"  ours: GC pause {pauseMs:F2} ms per run ({gen0} gen0 / {gen2} gen2 collections over {runs + 5} runs)");
        Console.WriteLine($"  process CPU time per run: ORT median {Median(ortCpu):F2} ms, ours median {Median(oursCpu):F2} ms, ratio {Median(oursCpu) / Median(ortCpu):F2}×");

        if (profile)
        {
            var timer = new NodeTimer();
            for (int i = 0; i < 10; i++) plan.Run(inputs, timer);
            Console.WriteLine("  per-op CPU time of the calling thread (ms per run, 10 runs):");
            foreach (var g in timer.PerNode.GroupBy(kv => kv.Key.OpType).OrderByDescending(g => g.Sum(kv => kv.Value)))
                Console.WriteLine($"    {g.Key,-20} {g.Sum(kv => kv.Value) / 10,8:F3}  ({g.Count()} nodes)");
            var wall = new NodeWallTimer();
            for (int i = 0; i < 20; i++) plan.Run(inputs, wall);
            Console.WriteLine($"  per-op wall time, fastest of 20 runs (ms; sum {wall.Fastest.Values.Sum():F2}):");
            foreach (var g in wall.Fastest.GroupBy(kv => kv.Key.OpType).OrderByDescending(g => g.Sum(kv => kv.Value)))
                Console.WriteLine($"    {g.Key,-20} {g.Sum(kv => kv.Value),8:F3}  ({g.Count()} nodes)");
            foreach (var (node, ms) in wall.Fastest.OrderByDescending(kv => kv.Value).Take(8))
                Console.WriteLine($"    {node.Describe(),-40} {ms,8:F3} ms");
            Console.WriteLine("  slowest nodes (calling thread's CPU):");
            foreach (var (node, ms) in timer.PerNode.OrderByDescending(kv => kv.Value).Take(12))
            {
                var w = node.Input(1) is { } wn && model.Graph.Initializers.TryGetValue(wn, out var wt) ? $"W{Platform.Quantization.Tensors.TensorShape.Format(wt.Shape)}" : "";
                Console.WriteLine($"    {node.Describe(),-40} {w,-22} {ms / 10,8:F3} ms");
            }
        }
    }

    /// <summary>
    /// Wall-clock times, sorted; <paramref name="cpu"/> gets the process CPU time per run, sorted. On a shared
    /// machine the CPU time is the steadier figure (it excludes time spent descheduled).
    /// </summary>
    private static double[] Time(Action run, int runs, out double[] cpu)
    {
        for (int i = 0; i < 5; i++) run();
        var t = new double[runs];
        cpu = new double[runs];
        var sw = new Stopwatch();
        var process = Process.GetCurrentProcess();
        for (int i = 0; i < runs; i++)
        {
            process.Refresh();
            var c0 = process.TotalProcessorTime;
            sw.Restart();
            run();
            t[i] = sw.Elapsed.TotalMilliseconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - c0).TotalMilliseconds;
        }
        Array.Sort(t);
        Array.Sort(cpu);
        return t;
    }

    /// <summary>Each node's fastest wall-clock time over the runs it sees.</summary>
    private sealed class NodeWallTimer : IExecutionObserver
    {
        private long _start;
        public Dictionary<Platform.Quantization.Graph.Node, double> Fastest { get; } = [];

        public void BeforeNode(Platform.Quantization.Graph.Node node, Tensor?[] inputs) => _start = Stopwatch.GetTimestamp();

        public void AfterNode(Platform.Quantization.Graph.Node node, Tensor?[] inputs, Tensor[] outputs)
        {
            double ms = Stopwatch.GetElapsedTime(_start).TotalMilliseconds;
            Fastest[node] = Math.Min(Fastest.GetValueOrDefault(node, double.MaxValue), ms);
        }
    }

    private static double Median(double[] sorted) => sorted[sorted.Length / 2];
    private static double P90(double[] sorted) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.9) - 1)];
}
