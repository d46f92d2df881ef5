using Platform.Quantization.Export;
using Platform.Quantization.Graph;
using Platform.Quantization.Onnx;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Specs;

namespace Platform.Cli;

/// <summary>
/// `qplat quantize MODEL --calib DATA.npz --eval DATA.npz --spec PRESET|FILE.json [--out DIR [--export onnx|packed]] [--json]`
/// → fp32.accuracy, variant.{accuracy, top1Agreement, sqnrDb, sizeBytes, spec}, layers[].{name, format, sqnrDb}.
/// --export onnx also writes DIR/model.qdq.onnx (QDQ / MatMulNBits, what ONNX Runtime runs); --export packed writes
/// DIR/model.qpk (our packed artifact, every format).
/// </summary>
public static class QuantizeCommand
{
    public static int Run(CliArguments a, TextWriter stdout, TextWriter stderr)
    {
        a.RejectUnknown("calib", "eval", "spec", "out", "json", "batch", "threads", "calib-count", "eval-count", "seed", "percentile", "bins", "export");
        if (a.Positional.Count != 1) throw new CliException("usage: qplat quantize MODEL --calib DATA.npz --eval DATA.npz --spec PRESET|FILE.json [--out DIR [--export onnx|packed]] [--json]");
        string? export = a.Option("export");
        if (export is not (null or "onnx" or "packed")) throw new CliException($"--export {export}: expected onnx (QDQ / MatMulNBits for ONNX Runtime) or packed (our .qpk artifact).");
        if (export is not null && a.Option("out") is null) throw new CliException($"--export {export} writes into the --out folder: give --out DIR.");
        var specText = a.Required("spec");
        QuantSpec spec;
        try
        {
            spec = QuantSpec.Parse(File.Exists(specText) ? File.ReadAllText(specText) : specText);
        }
        catch (FormatException e)
        {
            throw new CliException($"--spec {specText}: {e.Message}");
        }
        var request = new QuantizationRequest
        {
            ModelPath = a.Positional[0],
            CalibrationDataPath = a.Option("calib"),
            EvaluationDataPath = a.Required("eval"),
            Spec = spec,
            BatchSize = a.Int("batch", 64),
            Threads = a.Option("threads") is null ? Environment.ProcessorCount : Math.Max(1, a.Int("threads", 1)),
            CalibrationSamples = a.Option("calib-count") is null ? null : a.Int("calib-count", 0),
            EvaluationSamples = a.Option("eval-count") is null ? null : a.Int("eval-count", 0),
            Seed = a.Int("seed", 0),
            Percentile = Percentile(a.Option("percentile")),
            HistogramBins = Math.Max(16, a.Int("bins", Platform.Quantization.Calibration.TensorObserver.DefaultBins)),
        };
        var result = QuantizationPipeline.Run(request, new ProgressPrinter(stderr));
        if (a.Option("out") is { } dir)
        {
            result.Save(dir);
            stderr.WriteLine($"wrote {Path.Combine(dir, "model.onnx")}, report.json, spec.json");
            if (export is not null) stderr.WriteLine("wrote " + Export(result, spec, export, dir));
        }
        var r = result.Report;
        if (a.Flag("json")) stdout.WriteLine(System.Text.Json.JsonSerializer.Serialize(r, QuantizationResult.JsonOptions));
        else
        {
            stdout.WriteLine($"fp32    accuracy {Pct(r.Fp32.Accuracy)}  size {r.Fp32.SizeBytes:N0} B");
            stdout.WriteLine($"variant accuracy {Pct(r.Variant.Accuracy)}  top-1 agreement {r.Variant.Top1Agreement:P2}  SQNR {r.Variant.SqnrDb:F1} dB  " +
                             $"size {r.Variant.SizeBytes:N0} B ({r.Variant.CompressionRatio:F2}x smaller)");
            foreach (var l in r.Layers)
                stdout.WriteLine($"  {l.Name,-32} {l.Op,-8} {l.Format,-14} {l.Activations,-16} SQNR {(l.SqnrDb is { } s ? $"{s,6:F1} dB" : "     -   ")}  {l.TimeMs,8:F3} ms");
        }
        return ExitCodes.Ok;
    }

    private static string Export(QuantizationResult result, QuantSpec spec, string export, string dir)
    {
        if (export == "packed")
        {
            string qpk = Path.Combine(dir, "model.qpk");
            PackedArtifact.Write(qpk, result.Prepared, result.Layers, spec);
            return qpk;
        }
        OnnxModel exported;
        try
        {
            exported = result.OnnxExport ?? QdqExporter.Export(result.Prepared, result.Layers);
        }
        catch (NotSupportedException e)
        {
            throw new CliException($"--export onnx: {e.Message}");
        }
        string path = Path.Combine(dir, "model.qdq.onnx");
        OnnxModelWriter.Write(exported, path);
        return path;
    }

    private static double Percentile(string? text)
    {
        if (text is null) return 99.99;
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 100
            ? p : throw new CliException($"--percentile must be in (0, 100], not '{text}'.");
    }

    private static string Pct(double? v) => v is { } x ? x.ToString("P2") : "n/a";
}
