using Platform.Quantization.Graph;
using Platform.Quantization.Onnx;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Conformance;

/// <summary>Outcome of one ONNX node test directory.</summary>
public sealed record NodeTestResult(string Name, string[] Operators, NodeTestOutcome Outcome, string Detail);

public enum NodeTestOutcome { Passed, Failed, NotImplemented, UnsupportedType }

/// <summary>
/// Runs ONNX's own node tests (model.onnx + test_data_set_*/input_*.pb, output_*.pb) on our runtime and
/// compares outputs as ONNX's backend tests do: |actual − expected| ≤ atol + rtol·|expected|, NaN equal to NaN.
/// </summary>
public static class NodeTestRunner
{
    public const string Root = "/usr/share/libonnx-testdata/data/node";
    public const double Rtol = 1e-3, Atol = 1e-7;

    public static NodeTestResult Run(string dir)
    {
        string name = Path.GetFileName(dir);
        OnnxModel model;
        try { model = OnnxModelReader.Read(Path.Combine(dir, "model.onnx")); }
        catch (InvalidModelException e) { return new(name, [], NodeTestOutcome.UnsupportedType, e.Message); }
        catch (NotSupportedException e) { return new(name, [], NodeTestOutcome.UnsupportedType, e.Message); }

        var ops = model.Graph.Nodes.Select(n => n.OpType).Distinct().ToArray();
        Plan plan;
        try { plan = new Plan(model, new PlanOptions { Threads = 1 }); }
        catch (UnsupportedOperatorException e) { return new(name, ops, NodeTestOutcome.NotImplemented, e.Message); }

        foreach (var set in Directory.GetDirectories(dir, "test_data_set_*").Order(StringComparer.Ordinal))
        {
            try
            {
                var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
                var inputFiles = Numbered(set, "input_");
                for (int i = 0; i < inputFiles.Length; i++)
                {
                    var pbName = OnnxModelReader.ReadTensorName(inputFiles[i]);
                    var key = pbName.Length > 0 ? pbName : model.Graph.Inputs[i].Name;
                    inputs[key] = OnnxModelReader.ReadTensor(inputFiles[i]);
                }
                var outputs = plan.Run(inputs);
                var outputFiles = Numbered(set, "output_");
                for (int i = 0; i < outputFiles.Length; i++)
                {
                    var expected = OnnxModelReader.ReadTensor(outputFiles[i]);
                    var pbName = OnnxModelReader.ReadTensorName(outputFiles[i]);
                    var key = pbName.Length > 0 && outputs.ContainsKey(pbName) ? pbName : model.Graph.Outputs[i].Name;
                    var why = Compare(expected, outputs[key]);
                    if (why is not null) return new(name, ops, NodeTestOutcome.Failed, $"{Path.GetFileName(set)} output '{key}': {why}");
                }
            }
            catch (InvalidModelException e) when (e.Message.Contains("element type"))
            {
                return new(name, ops, NodeTestOutcome.UnsupportedType, e.Message);
            }
            catch (Exception e)
            {
                return new(name, ops, NodeTestOutcome.Failed, $"{Path.GetFileName(set)}: {e.GetType().Name}: {e.Message}");
            }
        }
        return new(name, ops, NodeTestOutcome.Passed, "");
    }

    private static string[] Numbered(string dir, string prefix) =>
        Directory.GetFiles(dir, prefix + "*.pb")
            .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();

    /// <summary>Null when equal within tolerance, else what differs.</summary>
    public static string? Compare(Tensor expected, Tensor actual)
    {
        if (expected.Type != actual.Type) return $"type {actual.Type}, expected {expected.Type}";
        if (!expected.Shape.SequenceEqual(actual.Shape))
            return $"shape {TensorShape.Format(actual.Shape)}, expected {TensorShape.Format(expected.Shape)}";
        if (expected.Type == DataType.String)
        {
            var e = expected.As<string>(); var a = actual.As<string>();
            for (int i = 0; i < e.Length; i++) if (e[i] != a[i]) return $"element {i} is '{a[i]}', expected '{e[i]}'";
            return null;
        }
        bool exact = expected.Type is not (DataType.Float or DataType.Double or DataType.Float16 or DataType.BFloat16);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected.GetDouble(i), a = actual.GetDouble(i);
            if (double.IsNaN(e) && double.IsNaN(a)) continue;
            if (exact ? e != a : !(Math.Abs(a - e) <= Atol + Rtol * Math.Abs(e)) && !(double.IsInfinity(e) && e == a))
                return $"element {i} is {a}, expected {e}";
        }
        return null;
    }
}
