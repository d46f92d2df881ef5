using System.Diagnostics;
using Platform.Quantization.Kernels.Cpu;

namespace Platform.Bench;

/// <summary>Hand-rolled latency measurements (BenchmarkDotNet's process isolation is too slow for a 2-core box).</summary>
public static class BenchCommands
{
    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.WriteLine("usage: sgemm [--threads N] | resnet18 [--threads N] [--runs R] [--profile] [--no-fuse]");
            return 2;
        }
        int threads = IntOption(args, "--threads", 1);
        switch (args[0])
        {
            case "sgemm": SgemmBench(threads); return 0;
            case "resnet18": ResNet18Bench.Run(threads, IntOption(args, "--runs", 30), args.Contains("--profile"), !args.Contains("--no-fuse")); return 0;
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
        Console.WriteLine($"SGEMM, {threads} thread(s); GFLOP/s median of repeated calls");
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
            Console.WriteLine($"  M={m,5} N={n,5} K={k,5}: {plain,7:F1} GFLOP/s   A pre-packed: {packed,7:F1} GFLOP/s");
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

    internal static float[] RandomArray(int n, int seed)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
        return a;
    }
}
