using System.Text.Json;
using Platform.Quantization.Calibration;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Calibration;

public class CalibratorTests
{
    /// <summary>y = 2x, z = x + y (x read twice), ids passed through: kernels bound by override, none built in needed.</summary>
    private static Plan TestPlan()
    {
        var twice = new Node { OpType = "Twice", Inputs = { "x" }, Outputs = { "y" } };
        var add = new Node { OpType = "AddTest", Inputs = { "x", "y" }, Outputs = { "z" } };
        var pass = new Node { OpType = "PassIds", Inputs = { "ids" }, Outputs = { "ids_out" } };
        var g = new ModelGraph
        {
            Name = "calib-test",
            Inputs = { new ValueInfo { Name = "x" }, new ValueInfo { Name = "ids" } },
            Outputs = { new ValueInfo { Name = "z" }, new ValueInfo { Name = "ids_out" } },
            Nodes = { twice, add, pass },
        };
        var kernels = new Dictionary<Node, IOperatorKernel>
        {
            [twice] = new Elementwise((a, _) => 2 * a),
            [add] = new Elementwise((a, b) => a + b),
            [pass] = new PassThrough(),
        };
        return new Plan(new OnnxModel { Graph = g }, new PlanOptions { Threads = 1, KernelOverrides = kernels });
    }

    private sealed class Elementwise(Func<float, float, float> f) : IOperatorKernel
    {
        public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
        {
            var a = inputs[0]!.Floats;
            var b = inputs.Length > 1 ? inputs[1]!.Floats : a;
            var r = new float[a.Length];
            for (int i = 0; i < r.Length; i++) r[i] = f(a[i], b[i]);
            return [Tensor.FromArray(r, inputs[0]!.Shape)];
        }
    }

    private sealed class PassThrough : IOperatorKernel
    {
        public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context) => [inputs[0]!];
    }

    private static IEnumerable<IReadOnlyDictionary<string, Tensor>> Batches(int count, int seed)
    {
        var r = new Random(seed);
        for (int b = 0; b < count; b++)
        {
            var x = new float[16];
            for (int i = 0; i < x.Length; i++) x[i] = (float)(r.NextDouble() * 2 - 1) * (b + 1);
            yield return new Dictionary<string, Tensor>
            {
                ["x"] = Tensor.FromArray(x, 2, 8),
                ["ids"] = Tensor.FromArray(new long[] { 1, 2, 3 }, 3),
            };
        }
    }

    [Fact]
    public void Running_batches_fills_observers_of_inputs_and_outputs()
    {
        var plan = TestPlan();
        var cal = new Calibrator(plan, ["x", "y", "z"]);
        var plan2 = TestPlan();
        cal.Run([
            new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray(new[] { -1f, 0.5f, 2f, 0f }, 4), ["ids"] = Tensor.FromArray(new long[] { 1 }, 1) },
            new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray(new[] { 3f, -0.25f }, 2), ["ids"] = Tensor.FromArray(new long[] { 1 }, 1) },
        ]);
        var result = cal.Result;
        Assert.Equal(["x", "y", "z"], result.Names);
        // x is read by two nodes but observed once a run: 6 values, not 12.
        Assert.Equal(6, result["x"].Count);
        Assert.Equal((-1f, 3f), (result["x"].Min, result["x"].Max));
        Assert.Equal((-2f, 6f), (result["y"].Min, result["y"].Max));
        Assert.Equal((-3f, 9f), (result["z"].Min, result["z"].Max));

        var report = result.Calibrate(new CalibrationOptions { Method = CalibrationMethod.MinMax, Symmetric = true });
        var z = Assert.Single(report, v => v.Name == "z");
        Assert.Equal(new ClipRange(-9f, 9f), z.Range);
        Assert.Equal((6L, -3f, 9f, 8), (z.Count, z.Min, z.Max, z.Bits));
    }

    [Fact]
    public void All_values_by_default_and_integer_values_skipped()
    {
        var cal = new Calibrator(TestPlan());
        cal.Run(Batches(3, 1));
        Assert.Equal(["x", "ids", "y", "z", "ids_out"], cal.Result.Names);
        Assert.Equal(["ids", "ids_out"], cal.SkippedValues.OrderBy(s => s, StringComparer.Ordinal));
        Assert.Equal(0, cal.Result["ids"].Count);
        Assert.Equal(48, cal.Result["x"].Count);
    }

    [Fact]
    public void Unknown_value_names_are_reported()
    {
        var e = Assert.Throws<ArgumentException>(() => new Calibrator(TestPlan(), ["y", "nope"]));
        Assert.Contains("'nope'", e.Message);
        Assert.DoesNotContain("'y'", e.Message);
    }

    [Fact]
    public void Results_of_split_runs_merge_to_the_result_of_one_run()
    {
        var batches = Batches(40, 2).ToList();
        var options = new CalibrationOptions { Bins = 256 };
        var whole = new Calibrator(TestPlan(), null, options).Run(batches);

        var parts = Enumerable.Range(0, 3).Select(k =>
            new Calibrator(TestPlan(), null, options).Run(batches.Where((_, i) => i % 3 == k))).ToList();
        // A worker's result travels as JSON before being merged.
        var travelled = CalibrationResult.FromSnapshots(
            JsonSerializer.Deserialize<Dictionary<string, HistogramSnapshot>>(JsonSerializer.Serialize(parts[2].ToSnapshots()))!);
        var merged = parts[1].Merge(travelled).Merge(parts[0]);

        Assert.Equal(whole.Names.OrderBy(n => n, StringComparer.Ordinal), merged.Names.OrderBy(n => n, StringComparer.Ordinal));
        foreach (var name in whole.Names) TensorObserverTests.AssertSame(whole[name], merged[name]);
        var before = parts[0]["z"].Count;
        parts[0].Merge(parts[1]);
        Assert.Equal(before, parts[0]["z"].Count);   // Merge leaves its operands alone
        foreach (var m in Enum.GetValues<CalibrationMethod>())
        {
            var o = new CalibrationOptions { Method = m, Bins = 256 };
            Assert.Equal(whole.Calibrate("z", o), merged.Calibrate("z", o));
        }
    }

    [Fact]
    public void Half_precision_values_are_observed_through_conversion()
    {
        var pass = new Node { OpType = "PassHalf", Inputs = { "h" }, Outputs = { "h_out" } };
        var g = new ModelGraph
        {
            Inputs = { new ValueInfo { Name = "h" } },
            Outputs = { new ValueInfo { Name = "h_out" } },
            Nodes = { pass },
        };
        var plan = new Plan(new OnnxModel { Graph = g }, new PlanOptions { KernelOverrides = new Dictionary<Node, IOperatorKernel> { [pass] = new PassThrough() } });
        var values = Enumerable.Range(0, 10_000).Select(i => (Half)(i % 7 - 3.5f)).ToArray();
        var result = new Calibrator(plan).Run([new Dictionary<string, Tensor> { ["h"] = Tensor.FromArray(values, values.Length) }]);
        Assert.Equal((10_000L, -3.5f, 2.5f), (result["h"].Count, result["h"].Min, result["h"].Max));
        Assert.Equal(10_000L, result["h_out"].Count);
    }

    [Fact]
    public void Merge_keeps_values_seen_by_one_side_only()
    {
        var a = new TensorObserver(64);
        a.Observe([1f, 2f]);
        var b = new TensorObserver(64);
        b.Observe([-4f]);
        var left = new CalibrationResult([new("x", a)]);
        var right = new CalibrationResult([new("x", b.Clone()), new("y", b)]);
        var m = left.Merge(right);
        Assert.Equal(["x", "y"], m.Names);
        Assert.Equal((3L, -4f, 2f), (m["x"].Count, m["x"].Min, m["x"].Max));
        Assert.Equal(1, m["y"].Count);
        Assert.Equal(2, a.Count);   // operands unchanged
    }
}
