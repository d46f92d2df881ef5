using System.Text;
using Platform.Quantization.Runtime;
using Xunit.Abstractions;

namespace Platform.Quantization.Tests.Conformance;

/// <summary>
/// Every ONNX node test (Debian's libonnx-testdata) whose operators we implement must pass, unless it is listed
/// in <see cref="KnownFailures"/> with the reason. The pass count is printed and written to TestResults.
/// </summary>
public class OnnxNodeConformanceTests(ITestOutputHelper output)
{
    /// <summary>Node tests of implemented operators that we do not pass, each with the reason.</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownFailures = new Dictionary<string, string>(StringComparer.Ordinal)
    {
    };

    [Fact]
    public void Implemented_operators_pass_onnx_node_tests()
    {
        Assert.True(Directory.Exists(NodeTestRunner.Root), $"libonnx-testdata is not installed ({NodeTestRunner.Root} is missing): the test command installs it");
        var filter = Environment.GetEnvironmentVariable("NODE_TEST_FILTER");
        var results = Directory.GetDirectories(NodeTestRunner.Root)
            .Where(d => string.IsNullOrEmpty(filter) || Path.GetFileName(d).Contains(filter, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .AsParallel().WithDegreeOfParallelism(Math.Max(1, Environment.ProcessorCount))
            .Select(NodeTestRunner.Run)
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();

        var passed = results.Count(r => r.Outcome == NodeTestOutcome.Passed);
        var failed = results.Where(r => r.Outcome == NodeTestOutcome.Failed).ToList();
        var unexpected = failed.Where(r => !KnownFailures.ContainsKey(r.Name)).ToList();
        var notImplemented = results.Where(r => r.Outcome == NodeTestOutcome.NotImplemented).ToList();
        var unsupportedType = results.Count(r => r.Outcome == NodeTestOutcome.UnsupportedType);

        var report = new StringBuilder();
        report.AppendLine($"ONNX node tests: {passed} passed, {failed.Count} failed ({failed.Count - unexpected.Count} known), " +
                          $"{notImplemented.Count} use operators we do not implement, {unsupportedType} use element types we do not support; {results.Count} in all.");
        foreach (var f in failed)
            report.AppendLine($"  FAIL {f.Name} [{string.Join(',', f.Operators)}]: {f.Detail}" +
                              (KnownFailures.TryGetValue(f.Name, out var why) ? $"  (known: {why})" : ""));
        var missingOps = notImplemented.SelectMany(r => r.Operators).Where(o => !OperatorRegistry.IsSupported("", o))
            .GroupBy(o => o).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key);
        report.AppendLine("  operators without an implementation: " + string.Join(' ', missingOps));
        output.WriteLine(report.ToString());
        Directory.CreateDirectory("TestResults");
        File.WriteAllText(Path.Combine("TestResults", "onnx-node-tests.txt"), report.ToString());

        Assert.True(unexpected.Count == 0, $"{unexpected.Count} node tests fail:\n" + string.Join('\n', unexpected.Select(f => $"{f.Name}: {f.Detail}")));
    }
}
