using System.Diagnostics;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Specs;

namespace Platform.Bench;

/// <summary>
/// Peak RSS of an int8 (static, entropy) quantization run calibrated on 1,000 and on 10,000 Fashion-MNIST
/// images, each in a fresh process: calibration keeps histograms, never activations, so the two peaks
/// should be within 10% of each other.
/// </summary>
public static class CalibrationMemoryBench
{
    private const string Folder = "/usr/share/datasets/fashion-mnist";

    public static int Run(string[] args)
    {
        if (args.Length >= 5 && args[1] == "--child") return Child(args[2], args[3], int.Parse(args[4]));
        var model = ModelPath();
        var dir = Path.Combine(Path.GetTempPath(), "qplat-bench");
        Directory.CreateDirectory(dir);
        var data = Path.Combine(dir, "fashion-train-10000.npz");
        if (!File.Exists(data))
            IdxImporter.Import(Path.Combine(Folder, "train-images-idx3-ubyte.gz"), Path.Combine(Folder, "train-labels-idx1-ubyte.gz"), data, 0, 10_000);
        var peaks = new Dictionary<int, long>();
        foreach (var n in new[] { 1_000, 10_000 })
        {
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
            if (!Environment.ProcessPath!.EndsWith("Platform.Bench", StringComparison.Ordinal)) psi.ArgumentList.Add(typeof(CalibrationMemoryBench).Assembly.Location);
            foreach (var a in new[] { "calib-memory", "--child", model, data, n.ToString() }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var line = p.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
            p.WaitForExit();
            peaks[n] = long.Parse(line);
            Console.WriteLine($"calibration on {n,6} samples: peak RSS {peaks[n] / (1024.0 * 1024):F1} MiB");
        }
        Console.WriteLine($"ratio 10,000 / 1,000: {(double)peaks[10_000] / peaks[1_000]:F3} (target ≤ 1.1)");
        return 0;
    }

    private static int Child(string model, string data, int samples)
    {
        QuantizationPipeline.Run(new QuantizationRequest
        {
            ModelPath = model,
            CalibrationDataPath = data,
            EvaluationDataPath = data,
            Spec = QuantSpec.Preset("int8"),
            CalibrationSamples = samples,
            EvaluationSamples = 256,
        });
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(self.PeakWorkingSet64);
        return 0;
    }

    private static string ModelPath()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Platform.sln"))) d = d.Parent;
        return Path.Combine(d?.FullName ?? ".", "tests", "fixtures", "models", "fashion_cnn_bn.onnx");
    }
}
