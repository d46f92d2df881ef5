using System.Text.Json;
using Platform.Cli;

namespace Platform.Quantization.Tests.Cli;

/// <summary>`qplat bench --quick --json` as CI runs it: a smoke test of the contract, never of the timings.</summary>
public class BenchCommandTests
{
    private static readonly string[] RatioNames =
    [
        "fp32GemmVsOrt", "int8GemmVsFp32", "int8GemmVsOrt", "int4GemmVsOrt", "int4GemvVsOrt",
        "binaryGemmVsFp32", "pqGemvVsFp32", "modelFp32VsOrt", "modelInt8VsFp32", "modelInt8VsOrtQdq",
    ];

    [Fact]
    public void Quick_json_has_every_format_on_both_engines_and_the_whole_ratio_table()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = QplatApp.Run(["bench", "--quick", "--json", "--models", Path.GetDirectoryName(TestPaths.Model("fashion_cnn_bn.onnx"))!], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        var j = JsonDocument.Parse(stdout.ToString()).RootElement;

        var results = j.GetProperty("results").EnumerateArray().Select(r => (
            Name: r.GetProperty("name").GetString()!, Format: r.GetProperty("format").GetString()!,
            Engine: r.GetProperty("engine").GetString()!, Shape: r.GetProperty("shape").GetString()!, Ms: r.GetProperty("msP50").GetDouble())).ToList();
        Assert.All(results, r => Assert.True(r.Ms > 0, $"{r.Name} {r.Format} {r.Engine}: {r.Ms} ms"));
        foreach (var format in new[] { "fp32", "fp16", "int8", "int4", "binary", "binary-connect", "pq" })
            Assert.Contains(results, r => r.Name == "square" && r.Format == format && r.Engine == "ours");
        foreach (var format in new[] { "fp32", "int8", "int4" })
            foreach (var name in new[] { "square", "gemm", "gemv" })
                Assert.Contains(results, r => r.Name == name && r.Format == format && r.Engine == "ort");
        Assert.Contains(results, r => r is { Name: "gemv", Shape: "1x256x256", Format: "pq", Engine: "ours" });
        Assert.Contains(results, r => r is { Name: "fashion-cnn", Format: "fp32", Engine: "ours" });
        Assert.Contains(results, r => r is { Name: "fashion-cnn", Format: "fp32", Engine: "ort" });

        var ratios = j.GetProperty("ratios");
        Assert.Equal(RatioNames.Order(StringComparer.Ordinal), ratios.EnumerateObject().Select(p => p.Name));
        foreach (var name in RatioNames.Where(n => !n.StartsWith("modelInt8", StringComparison.Ordinal)))
            Assert.True(ratios.GetProperty(name).GetDouble() > 0, name);
        Assert.False(string.IsNullOrEmpty(j.GetProperty("machine").GetProperty("cpu").GetString()));
        Assert.Equal(1, j.GetProperty("threads")[0].GetInt32());
    }

    [Fact]
    public void Bad_thread_list_exits_2_naming_it()
    {
        var stderr = new StringWriter();
        Assert.Equal(2, QplatApp.Run(["bench", "--quick", "--threads", "1,zero"], new StringWriter(), stderr));
        Assert.Contains("--threads", stderr.ToString());
        Assert.Contains("1,zero", stderr.ToString());
    }
}
