using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Platform.Quantization.Graph;
using Platform.Quantization.Kernels.Cpu;
using Platform.Quantization.Onnx;

namespace Platform.Bench;

/// <summary>Hand-rolled latency measurements (BenchmarkDotNet's process isolation is too slow for a 2-core box).</summary>
public static class BenchCommands
{
    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.WriteLine("usage: sgemm [--threads N] | resnet18 [--threads N] [--runs R] [--profile] [--no-fuse] | entropy | calib-memory | pq | platform | bdn [BenchmarkDotNet args]");
            return 2;
        }
        int threads = IntOption(args, "--threads", 1);
        switch (args[0])
        {
            case "sgemm": SgemmBench(threads); return 0;
            case "resnet18": ResNet18Bench.Run(threads, IntOption(args, "--runs", 30), args.Contains("--profile"), !args.Contains("--no-fuse")); return 0;
            case "entropy": EntropyBench.Quick(); return 0;
            case "calib-memory": return CalibrationMemoryBench.Run(args);
            case "pq": PqBench.Run(); return 0;
            case "int8": return Kernels.Int8GemmBench.Run(args);
            case "platform": return PlatformLoad.PlatformBench.Run(args);
            case "bdn": BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(BenchCommands).Assembly).Run(args[1..]); return 0;
            default: Console.WriteLine($"unknown command '{args[0]}'"); return 2;
        }
    }

    internal static int IntOption(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
    }

    private static void SgemmBench(int threads)
    {
        Console.WriteLine($"SGEMM, {threads} thread(s): GFLOP per CPU-second (process CPU time, median of 9 batches; with 2 threads this is per core)");
        int[][] sizes = [[256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [64, 3136, 576], [128, 784, 1152], [256, 196, 2304], [512, 49, 4608], [128, 768, 768]];
        foreach (var s in sizes)
        {
            int m = s[0], n = s[1], k = s[2];
            var a = RandomArray(m * k, 1);
            var b = RandomArray(k * n, 2);
            var c = new float[m * n];
            double flops = 2.0 * m * n * k;
            double plain = Gflops(() => Sgemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n, threads), flops);
            var pa = PackedMatrix.PackLeft(a, m, k, k);
            double packed = Gflops(() => Sgemm.Multiply(pa, false, n, 1f, b, n, 0f, c, n, threads), flops);
            var pb = PackedMatrix.PackRight(b, k, n, n);
            double packedB = Gflops(() => Sgemm.Multiply(false, m, 1f, a, k, pb, 0f, c, n, threads), flops);
            double ort = OrtMatMul(m, n, k, a, b, threads, flops);
            Console.WriteLine($"  M={m,5} N={n,5} K={k,5}: {plain,7:F1}   A pre-packed {packed,7:F1}   B pre-packed {packedB,7:F1}   ORT MatMul (B initializer) {ort,7:F1}");
        }
    }

    /// <summary>GFLOP/s from the median process CPU time per call (steadier than wall time on a shared machine; 1 thread).</summary>
    private static double Gflops(Action run, double flops)
    {
        run();
        var process = Process.GetCurrentProcess();
        var sw = Stopwatch.StartNew();
        int reps = 0;
        while (sw.ElapsedMilliseconds < 50) { run(); reps++; }
        int per = Math.Max(1, reps / 2);
        var times = new List<double>();
        for (int t = 0; t < 9; t++)
        {
            process.Refresh();
            var c0 = process.TotalProcessorTime;
            for (int r = 0; r < per; r++) run();
            process.Refresh();
            times.Add((process.TotalProcessorTime - c0).TotalSeconds / per);
        }
        times.Sort();
        return flops / times[times.Count / 2] / 1e9;
    }

    /// <summary>ONNX Runtime on a one-node MatMul model (A input, B constant), written with our ONNX writer.</summary>
    private static double OrtMatMul(int m, int n, int k, float[] a, float[] b, int threads, double flops)
    {
        var graph = new ModelGraph
        {
            Inputs = { new ValueInfo { Name = "A", Shape = [Dim.Fixed(m), Dim.Fixed(k)] } },
            Outputs = { new ValueInfo { Name = "Y", Shape = [Dim.Fixed(m), Dim.Fixed(n)] } },
            Nodes = { new Node { OpType = "MatMul", Inputs = { "A", "B" }, Outputs = { "Y" } } },
        };
        graph.Initializers["B"] = Platform.Quantization.Tensors.Tensor.FromArray(b, k, n);
        var bytes = OnnxModelWriter.ToBytes(new OnnxModel { Graph = graph });
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        using var session = new InferenceSession(bytes, options);
        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("A", new DenseTensor<float>(a, [m, k])) };
        double r = Gflops(() => { using var o = session.Run(inputs); }, flops);
        Thread.Sleep(50);
        return r;
    }

    internal static float[] RandomArray(int n, int seed)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
        return a;
    }
}
