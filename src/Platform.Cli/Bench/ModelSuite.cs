using Platform.Quantization.Calibration;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Execution;
using Platform.Quantization.Export;
using Platform.Quantization.Formats;
using Platform.Quantization.Graph;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Runtime;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Cli.Bench;

/// <summary>
/// Whole models: our fp32 runtime and our int8 runtime (the int8 preset on every layer it covers, activation ranges
/// from one fp32 pass over the bench input), against ONNX Runtime on the original model and on our QDQ export.
/// </summary>
internal sealed class ModelSuite(double budgetMs, Action<BenchResult> add, Action<string> unavailable)
{
    public void Run(string name, string path, int batch, int threads)
    {
        var prepared = PreparedModel.Load(path);
        var input = prepared.Model.Graph.Inputs[0];
        if (input.ElementType != DataType.Float || input.Shape is null)
        {
            unavailable($"{name}: input '{input.Name}' is not a float tensor of known shape");
            return;
        }
        var shape = input.Shape.Select((d, i) => i == 0 ? batch : (int)(d.Value ?? 1)).ToArray();
        var data = new float[shape.Aggregate(1, (p, d) => p * d)];
        var rnd = new Random(7);
        for (int i = 0; i < data.Length; i++) data[i] = (float)rnd.NextDouble();
        var inputs = new Dictionary<string, Tensor> { [input.Name] = Tensor.FromArray(data, shape) };
        string shapeText = TensorShape.Format(shape);
        void Add(string format, string engine, LatencyStats s) =>
            add(new BenchResult(name, format, engine, shapeText, threads, Math.Round(s.MedianMs, 4), Math.Round(s.P90Ms, 4), null));
        void Try(string what, Action measure)
        {
            try { measure(); }
            catch (Exception e) when (e is NotSupportedException or InvalidModelException)
            {
                unavailable($"{name} {what}: {e.Message}");
            }
        }

        var fp32 = new Plan(prepared.Model, new PlanOptions { Threads = threads });
        Add("fp32", "ours", BenchTimer.Time(() => fp32.Run(inputs), budgetMs));
        Try("fp32 on ONNX Runtime", () => Add("fp32", "ort", OrtSessions.Time(prepared.Original, inputs, threads, budgetMs)));

        var layers = Int8Layers(prepared, inputs);
        Try("int8 on our kernels", () =>
        {
            var int8 = QuantizedPlan.Build(prepared.Model, layers, new PlanOptions { Threads = threads });
            Add("int8", "ours", BenchTimer.Time(() => int8.Run(inputs), budgetMs));
        });
        Try("int8 QDQ export on ONNX Runtime", () => Add("int8", "ort", OrtSessions.Time(QdqExporter.Export(prepared.Model, layers), inputs, threads, budgetMs)));
    }

    /// <summary>The int8 preset's layers, with each static input range the min/max of one fp32 run on the bench input.</summary>
    private static List<QuantizedLayer> Int8Layers(PreparedModel prepared, Dictionary<string, Tensor> inputs)
    {
        var spec = QuantSpec.Preset("int8");
        var plan = new Plan(prepared.Model, new PlanOptions { FuseOperators = false });
        var calibrator = new Calibrator(plan, prepared.Layers.Select(l => l.Node.Inputs[0]).Distinct());
        plan.Run(inputs, calibrator);
        var observed = calibrator.Result;
        var layers = new List<QuantizedLayer>();
        foreach (var l in prepared.Layers)
        {
            var s = spec.Resolve(l.Name, l.IsFirst, l.IsLast);
            var w = WeightQuantizer.Quantize(prepared.Model.Graph.Initializers[l.WeightName], l.OutputAxis, s);
            var x = observed[l.Node.Inputs[0]];
            layers.Add(new QuantizedLayer(l, s, w, s.Activations == ActivationMode.Static ? QuantParams.FromRange(x.Min, x.Max, s.ActivationBits, s.ActivationSymmetric) : null));
        }
        return layers;
    }
}
