using System.Diagnostics;
using Platform.Quantization.Kernels.Cpu;

namespace Platform.Bench.Kernels;

/// <summary>
/// int8 GEMM (pre-packed weights, u8 activations, fp32 epilogue) against fp32 <see cref="Sgemm"/> with pre-packed B on
/// the same shapes in the same run. Process CPU time, median of 7 short batches: the figures are GOPS (2 ops per multiply-add).
/// </summary>
public static class Int8GemmBench
{
    public static int Run(string[] args)
    {
        int[] threadCounts = BenchCommands.IntOption(args, "--threads", 0) is > 0 and var t ? [t] : [1, 2];
        Console.WriteLine($"int8 GEMM ({Int8GemmKernels.Path}) vs SGEMM (B pre-packed): GOPS per CPU-second (process CPU time, median of 7; per core with 2 threads)");
        int[][] shapes =
        [
            [1024, 1024, 1024], [1, 1024, 1024], [1, 2048, 2048], [1, 4096, 4096],
            [256, 1024, 1024], [256, 2048, 2048], [256, 4096, 4096], [3136, 64, 576],
        ];
        foreach (int threads in threadCounts)
            foreach (var s in shapes)
            {
                int m = s[0], n = s[1], k = s[2];
                var r = new Random(1);
                var a8 = new byte[m * k];
                r.NextBytes(a8);
                var w8 = new sbyte[n * k];
                for (int i = 0; i < w8.Length; i++) w8[i] = (sbyte)r.Next(-128, 128);
                var w = Int8PackedWeights.Pack(w8, n, k);
                var e = new Int8Epilogue { Scales = Enumerable.Repeat(1e-4f, n).ToArray(), Bias = new float[n], Relu = true };
                var c = new float[m * n];
                var ci = new int[m * n];
                var a = BenchCommands.RandomArray(m * k, 2);
                var b = PackedMatrix.PackRight(BenchCommands.RandomArray(k * n, 3), k, n, n);
                double ops = 2.0 * m * n * k;
                double int8 = Gops(() => Int8Gemm.Multiply(m, a8, k, 3, w, e, c, n, threads), ops);
                double raw = Gops(() => Int8Gemm.Multiply(m, a8, k, 3, w, ci, n, threads), ops);
                double fp32 = Gops(() => Sgemm.Multiply(false, m, 1f, a, k, b, 0f, c, n, threads), ops);
                Console.WriteLine($"  threads {threads}  M={m,5} N={n,5} K={k,5}: int8→fp32 {int8,7:F1}  int8→s32 {raw,7:F1}  SGEMM {fp32,7:F1}  ratio {int8 / fp32,5:F2}×");
            }
        foreach (int threads in threadCounts) ConvBench(threads);
        return 0;
    }

    /// <summary>Int8Conv end to end (im2row or in place, GEMM, transposed u8 store) against SGEMM on the same GEMM shape.</summary>
    private static void ConvBench(int threads)
    {
        // C, H=W, kernel, pad, M: a ResNet 3×3 layer, a 1×1 bottleneck (read in place) and a 7×7 stem.
        int[][] layers = [[64, 56, 3, 1, 64], [256, 56, 1, 0, 64], [3, 224, 7, 3, 64]];
        foreach (var l in layers)
        {
            int c = l[0], hw = l[1], kk = l[2], pad = l[3], m = l[4], stride = kk == 7 ? 2 : 1;
            int o = (hw + 2 * pad - kk) / stride + 1;
            var g = new Conv2DGeometry(c, hw, hw, kk, kk, stride, stride, pad, pad, 1, 1, o, o);
            var r = new Random(4);
            var x = new byte[c * hw * hw];
            r.NextBytes(x);
            var w8 = new sbyte[m * g.Depth];
            for (int i = 0; i < w8.Length; i++) w8[i] = (sbyte)r.Next(-128, 128);
            var w = Int8PackedWeights.Pack(w8, m, g.Depth);
            var e = new Int8Epilogue { Scales = Enumerable.Repeat(1e-4f, m).ToArray(), Bias = new float[m], Relu = true, OutputScale = 0.05f, OutputZeroPoint = 0 };
            var y = new byte[m * g.OutSize];
            var a = BenchCommands.RandomArray(g.OutSize * g.Depth, 2);
            var b = PackedMatrix.PackRight(BenchCommands.RandomArray(g.Depth * m, 3), g.Depth, m, m);
            var cf = new float[g.OutSize * m];
            double ops = 2.0 * m * g.OutSize * g.Depth;
            double conv = Gops(() => Int8Conv.Run(x, 3, g, w, e, y, threads), ops);
            double fp32 = Gops(() => Sgemm.Multiply(false, g.OutSize, 1f, a, g.Depth, b, 0f, cf, m, threads), ops);
            Console.WriteLine($"  threads {threads}  conv C={c,3} {hw}×{hw} k{kk} → M={m}: Int8Conv→u8 {conv,7:F1}  SGEMM (GEMM only, {g.OutSize}×{m}×{g.Depth}) {fp32,7:F1}  ratio {conv / fp32,5:F2}×");
        }
    }

    /// <summary>Process CPU time rather than wall time: the 2-core box is shared, and CPU time ignores the waits (per core with 2 threads).</summary>
    private static double Gops(Action run, double ops)
    {
        run();
        var process = Process.GetCurrentProcess();
        var sw = Stopwatch.StartNew();
        int reps = 0;
        while (sw.ElapsedMilliseconds < 30) { run(); reps++; }
        int per = Math.Max(1, reps / 3);
        var times = new List<double>();
        for (int t = 0; t < 7; t++)
        {
            process.Refresh();
            var c0 = process.TotalProcessorTime;
            for (int i = 0; i < per; i++) run();
            process.Refresh();
            times.Add((process.TotalProcessorTime - c0).TotalSeconds / per);
        }
        times.Sort();
        return ops / times[times.Count / 2] / 1e9;
    }
}
