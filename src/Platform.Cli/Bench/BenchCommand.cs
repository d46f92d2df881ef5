namespace Platform.Cli.Bench;

/// <summary>
/// `qplat bench [--quick] [--json] [--threads 1,2] [--models DIR] [--only kernels|models]`: in one process, our
/// kernels and ONNX Runtime's on the same shapes, and whole models on both, as a table of medians and ratios
/// (or one JSON object: results, ratios, ratiosByThreads, modelRatios, unavailable, machine).
/// </summary>
public static class BenchCommand
{
    public static int Run(CliArguments a, TextWriter stdout, TextWriter stderr)
    {
        a.RejectUnknown("quick", "json", "threads", "models", "only");
        var cases = a.Flag("quick") ? BenchCases.Quick : BenchCases.Full;
        var threadCounts = ParseThreads(a.Option("threads"));
        string only = a.Option("only") ?? "all";
        if (only is not ("all" or "kernels" or "models")) throw new CliException($"--only must be kernels or models, not '{only}'.");

        var results = new List<BenchResult>();
        var unavailable = new List<string>();
        void Add(BenchResult r)
        {
            results.Add(r);
            stderr.WriteLine($"  {r.Name,-12} {r.Shape,-18} {r.Format,-15} {r.Engine,-5} {r.Threads}t  p50 {r.MsP50,10:F4} ms" + (r.Gops is { } g ? $"  {g,8:F1} GOPS" : ""));
        }

        var models = new List<(string Name, string Path, int Batch)>();
        if (only != "kernels")
        {
            var fashion = FindFixture(a.Option("models"), "fashion_cnn_bn.onnx");
            if (fashion is null) unavailable.Add("fashion-cnn: tests/fixtures/models/fashion_cnn_bn.onnx not found (run from the repository or pass --models DIR)");
            else models.Add(("fashion-cnn", fashion, cases.FashionBatch));
            if (cases.ResNet18)
            {
                var resnet = ResNet18Path();
                if (File.Exists(resnet)) models.Add(("resnet18", resnet, 1));
                else unavailable.Add($"resnet18: {resnet} not found (restore the Microsoft.ML.DnnImageFeaturizer.ResNet18 package)");
            }
        }

        foreach (int t in threadCounts)
        {
            if (only != "models")
            {
                var kernels = new KernelSuite(cases.BudgetMs, Add);
                foreach (var (name, m, n, k) in cases.Kernels()) kernels.Run(name, m, n, k, t);
            }
            var suite = new ModelSuite(cases.BudgetMs, Add, u => { if (!unavailable.Contains(u)) unavailable.Add(u); });
            foreach (var (name, path, batch) in models) suite.Run(name, path, batch, t);
        }

        string? primary = models.Count == 0 ? null : models[^1].Name;
        var byThreads = threadCounts.ToDictionary(t => t.ToString(), t => BenchRatios.Compute(results, t, cases, primary));
        var modelRatios = models.ToDictionary(m => m.Name, m => BenchRatios.Compute(results, threadCounts[0], cases, m.Name)
            .Where(kv => kv.Key.StartsWith("model", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value));
        if (a.Flag("json"))
        {
            CliJson.Write(stdout, new
            {
                machine = BenchMachine.Current(),
                quick = a.Flag("quick"),
                threads = threadCounts,
                results,
                ratios = byThreads[threadCounts[0].ToString()],
                ratiosByThreads = byThreads,
                modelRatios,
                unavailable,
            });
            return ExitCodes.Ok;
        }

        var machine = BenchMachine.Current();
        stdout.WriteLine($"{machine.Cpu}, {machine.Cores} cores; {string.Join(' ', machine.Isa)}; ONNX Runtime {machine.OnnxRuntime}");
        stdout.WriteLine($"{"case",-12} {"shape",-18} {"format",-15} {"engine",-6} {"thr",3} {"p50 ms",11} {"p90 ms",11} {"GOPS",9}");
        foreach (var r in results)
            stdout.WriteLine($"{r.Name,-12} {r.Shape,-18} {r.Format,-15} {r.Engine,-6} {r.Threads,3} {r.MsP50,11:F4} {r.MsP90,11:F4} {(r.Gops is { } g ? g.ToString("F1") : "-"),9}");
        foreach (var (t, ratios) in byThreads)
        {
            stdout.WriteLine($"ratios at {t} thread(s) (> 1: ours / the low-bit format is faster; models on {primary ?? "none"}):");
            foreach (var (name, v) in ratios) stdout.WriteLine($"  {name,-20} {(v is { } x ? x.ToString("F2") : "n/a")}");
        }
        foreach (var u in unavailable) stdout.WriteLine($"not measured: {u}");
        return ExitCodes.Ok;
    }

    private static int[] ParseThreads(string? text)
    {
        if (text is null) return [1];
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var counts = new List<int>();
        foreach (var p in parts)
            counts.Add(int.TryParse(p, out var t) && t >= 1 ? t : throw new CliException($"--threads takes counts ≥ 1 separated by commas, not '{text}'."));
        return counts.Count == 0 ? throw new CliException("--threads needs at least one count.") : [.. counts.Distinct()];
    }

    private static string? FindFixture(string? dir, string file)
    {
        if (dir is not null)
            return File.Exists(Path.Combine(dir, file)) ? Path.Combine(dir, file) : throw new CliException($"--models {dir}: no {file} there.");
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var candidate = Path.Combine(d.FullName, "tests", "fixtures", "models", file);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    private static string ResNet18Path()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(packages, "microsoft.ml.dnnimagefeaturizer.resnet18", "0.23.1", "tools", "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
    }
}
