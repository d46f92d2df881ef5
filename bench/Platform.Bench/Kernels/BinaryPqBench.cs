using System.Diagnostics;
using System.Runtime.InteropServices;
using Platform.Quantization.Formats;
using Platform.Quantization.Kernels.Cpu;

namespace Platform.Bench.Kernels;

/// <summary>
/// Binary (XNOR, BinaryConnect) GEMM and PQ GEMV against our fp32 SGEMM on the same shape with the weights
/// pre-packed, in one run, threads 1 and 2: `bitpq [--threads N] [--quick]`; `bitpq --parts` times the XNOR kernel alone.
/// </summary>
internal static class BinaryPqBench
{
    public static void Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        if (args.Contains("--parts")) { s_threads = 1; Parts(); return; }
        int only = BenchCommands.IntOption(args, "--threads", 0);
        // One silent pass first: the first shape measured in a fresh process ran ~1.7× slower (XNOR 256×1024×1024:
        // 204 then 361 G bit-MAC/s in one run) while the runtime was still settling.
        Binary(64, 1024, 1024, 1, print: false);
        Pq(1, 1024, 1024, 8, 1, print: false);
        foreach (int threads in only > 0 ? [only] : new[] { 1, 2 })
        {
            s_threads = threads;
            Console.WriteLine($"--- {threads} thread(s); ms per call (fastest batch; 1 thread: thread CPU time, 2: wall time); ratio = fp32 SGEMM (B pre-packed) time / kernel time");
            int[][] binaryShapes = quick ? [[64, 256, 256]] : [[256, 1024, 1024], [1024, 1024, 1024], [1, 4096, 4096]];
            foreach (var s in binaryShapes) Binary(s[0], s[1], s[2], threads);
            int[] pqSizes = quick ? [256] : [1024, 2048, 4096];
            foreach (int size in pqSizes)
                foreach (int d in new[] { 8, 16 })
                    Pq(1, size, size, d, threads);
            if (!quick) Pq(256, 1024, 1024, 8, threads);
        }
    }

    private static void Binary(int m, int n, int k, int threads, bool print = true)
    {
        var a = BenchCommands.RandomArray(m * k, 1);
        var wf = BenchCommands.RandomArray(n * k, 2);
        var c = new float[m * n];
        double fp32 = Sgemm(m, n, k, a, wf, c, threads);
        var w = BinaryPackedWeights.Pack(BinaryQuantizer.Quantize(wf, [n, k], 0));
        var act = BinaryActivations.FromRows(a, m, k, k);
        double xnor = Ms(() => BinaryGemm.MultiplyXnor(act, w, c, n, default, false, threads));
        double binarize = Ms(() => BinaryActivations.FromRows(a, m, k, k));
        double connect = Ms(() => BinaryGemm.Multiply(m, a, k, w, c, n, default, false, threads));
        double macs = (double)m * n * k;
        if (print) Console.WriteLine($"  binary M={m,5} N={n,5} K={k,5}: fp32 {fp32,8:F3} ms | XNOR {xnor,8:F3} ms ({macs / xnor / 1e6,6:F0} G bit-MAC/s) ×{fp32 / xnor,5:F2}" +
                          $" | XNOR + binarize {xnor + binarize,8:F3} ms ×{fp32 / (xnor + binarize),5:F2} | BinaryConnect {connect,8:F3} ms ×{fp32 / connect,5:F2}");
    }

    private static void Pq(int m, int n, int k, int d, int threads, bool print = true)
    {
        var a = BenchCommands.RandomArray(m * k, 3);
        var wf = BenchCommands.RandomArray(n * k, 4);
        var c = new float[m * n];
        double fp32 = Sgemm(m, n, k, a, wf, c, threads);
        var r = new Random(5);
        var codebook = new float[256 * d];
        for (int i = 0; i < codebook.Length; i++) codebook[i] = (float)(r.NextDouble() * 2 - 1);
        var codes = new byte[n * (k / d)];
        r.NextBytes(codes);
        var w = PqPackedWeights.Pack(new PqQuantizedWeight([n, k], 0, 256, d, codebook, codes, 0, 0));
        double best = Ms(() => PqGemm.Multiply(m, a, k, w, c, n, default, false, threads));
        PqKernels.ForcePath = 1;
        double gather = Ms(() => PqGemm.Multiply(m, a, k, w, c, n, default, false, threads));
        PqKernels.ForcePath = 2;
        double scalar = Ms(() => PqGemm.Multiply(m, a, k, w, c, n, default, false, threads));
        PqKernels.ForcePath = 0;
        if (print) Console.WriteLine($"  PQ M={m,4} N={n,5} K={k,5} D={d,2}: fp32 {fp32,8:F3} ms | PQ {best,8:F3} ms ×{fp32 / best,5:F2} | with Avx2 gathers {gather,8:F3} ms ×{fp32 / gather,5:F2} | scalar look-ups {scalar,8:F3} ms ×{fp32 / scalar,5:F2}");
    }

    /// <summary>XNOR kernel rates alone, one thread.</summary>
    private static void Parts()
    {
        foreach (var (m, nn, kk) in new[] { (256, 1024, 1024), (1024, 1024, 1024), (1, 4096, 4096), (4, 1024, 1024), (64, 1024, 1024), (256, 1024, 1024) })
        {
            var wb = BinaryPackedWeights.Pack(BinaryQuantizer.Quantize(BenchCommands.RandomArray(nn * kk, 2), [nn, kk], 0));
            var act = BinaryActivations.FromRows(BenchCommands.RandomArray(m * kk, 1), m, kk, kk);
            var c = new float[m * nn];
            double t = Ms(() => BinaryGemm.MultiplyXnor(act, wb, c, nn));
            Console.WriteLine($"xnor {m}x{nn}x{kk}: {t * 1000:F1} us, {(double)m * nn * kk / t / 1e6:F0} G/s");
        }
    }

    /// <summary>Our fp32 SGEMM on the same layer: the weights (N rows of K) pre-packed once, as a loaded layer would be.</summary>
    private static double Sgemm(int m, int n, int k, float[] a, float[] w, float[] c, int threads)
    {
        var packed = PackedMatrix.PackRight(w, k, n, k, transpose: true);
        return Ms(() => Platform.Quantization.Kernels.Cpu.Sgemm.Multiply(false, m, 1f, a, k, packed, 0f, c, n, threads));
    }

    /// <summary>
    /// Milliseconds per call, the fastest of 21 batches of ≥ 2 ms (other work on this shared machine only ever adds
    /// time): with one thread this thread's CPU time (the work runs on the calling thread; it leaves out the time
    /// other processes hold the core), with more the wall time.
    /// </summary>
    private static double Ms(Action run) => Ms(run, s_threads);

    [ThreadStatic] private static int s_threads;

    private static double Ms(Action run, int threads)
    {
        run();
        var sw = Stopwatch.StartNew();
        int calls = 0;
        while (sw.Elapsed.TotalMilliseconds < 20) { run(); calls++; }
        int per = Math.Max(1, (int)(calls * 2 / sw.Elapsed.TotalMilliseconds));
        var times = new double[21];
        for (int b = 0; b < times.Length; b++)
        {
            double c0 = ThreadCpuMs();
            sw.Restart();
            for (int i = 0; i < per; i++) run();
            times[b] = (threads <= 1 ? ThreadCpuMs() - c0 : sw.Elapsed.TotalMilliseconds) / per;
        }
        Array.Sort(times);
        return times[0];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec { public long Seconds; public long Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    private static double ThreadCpuMs()
    {
        const int ThreadCpuTimeClock = 3;
        ClockGetTime(ThreadCpuTimeClock, out var t);
        return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
    }
}
