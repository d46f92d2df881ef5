using System.Diagnostics;
using Platform.Quantization.Formats;

namespace Platform.Bench;

/// <summary>Product quantization (k-means, k=256, 20 iterations) of a ResNet-sized 3×3 conv weight [512,512,3,3].</summary>
internal static class PqBench
{
    public static void Run()
    {
        var rng = new Random(1);
        var w = new float[512 * 512 * 9];
        for (int i = 0; i < w.Length; i++) w[i] = (float)(0.02 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        using var self = Process.GetCurrentProcess();
        var cpu0 = self.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var q = ProductQuantizer.Quantize(w, [512, 512, 3, 3], 0);
        sw.Stop();
        self.Refresh();
        Console.WriteLine($"PQ [512,512,3,3] k={q.K} d={q.D}: {sw.Elapsed.TotalSeconds:F2} s wall, {(self.TotalProcessorTime - cpu0).TotalSeconds:F2} s CPU, " +
                          $"weight SQNR {WeightQuantizer.SqnrDb(w, q.Dequantize()):F2} dB, {q.SizeBytes:N0} B");
    }
}
