using Platform.Quantization.Evaluation;
using Platform.Quantization.Execution;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Runtime;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Execution;

/// <summary>Runs a quantized model both ways — real kernels and the fake-quant emulation — over a data set, sample by sample.</summary>
internal static class RealVsFakeQuant
{
    public sealed record Comparison(int Samples, int SameTop1, double MaxAbsDiff, double MaxAbsLogit, QuantizedPlan Real)
    {
        public double Agreement => Samples == 0 ? 1 : (double)SameTop1 / Samples;
        public double MaxRelDiff => MaxAbsDiff / Math.Max(1e-12, MaxAbsLogit);
    }

    /// <summary>Quantizes with the pipeline (fake-quant, a few samples, no latency) to get the layers.</summary>
    public static QuantizationResult Quantize(string model, string calib, string eval, QuantSpec spec) =>
        QuantizationPipeline.Run(new QuantizationRequest
        {
            ModelPath = model,
            CalibrationDataPath = calib,
            EvaluationDataPath = eval,
            Spec = spec,
            BatchSize = 64,
            EvaluationSamples = 64,
            Execution = ExecutionMode.FakeQuant,
            LatencyRuns = 0,
            Threads = 2,
        });

    public static Comparison Compare(QuantizationResult r, string eval, int? samples = null)
    {
        var quantizers = r.Layers.Where(l => l.Spec.QuantizesActivations)
            .ToDictionary(l => l.Layer.Name, l => (l.Layer, new ActivationQuantizer(l.Spec, l.InputParams)), StringComparer.Ordinal);
        bool xnor = r.Layers.Any(l => l.Spec.QuantizesActivations && l.Spec.ActivationBits == 1);
        var fake = new Plan(r.Model, new PlanOptions { Threads = 2, FuseOperators = !xnor });
        var observer = new FakeQuantObserver(quantizers);
        var real = QuantizedPlan.Create(r.Prepared, r.Layers, new PlanOptions { Threads = 2 });
        using var data = NpzDataSet.Open(eval);
        var binding = new DataBinding(r.Prepared.Graph, data, 64, Path.GetFileName(eval));
        int total = Math.Min(binding.Samples, samples ?? int.MaxValue), n = 0, same = 0;
        double maxDiff = 0, maxLogit = 0;
        string output = r.Prepared.Graph.Outputs[0].Name;
        foreach (var batch in data.ReadBatches(binding.BatchSize, binding.Arrays, widenFloat16: true, start: 0, count: total))
        {
            var inputs = binding.Inputs(batch);
            var a = fake.Run(inputs, observer)[output];
            var b = real.Plan.Run(inputs)[output];
            Assert.Equal(a.Shape, b.Shape);
            int rows = batch.Count, cols = a.Length / rows;
            var fa = a.Floats;
            var fb = b.Floats;
            for (int i = 0; i < rows; i++)
            {
                if (ArgMax(fa, i * cols, cols) == ArgMax(fb, i * cols, cols)) same++;
                for (int j = 0; j < cols; j++)
                {
                    maxDiff = Math.Max(maxDiff, Math.Abs(fa[i * cols + j] - fb[i * cols + j]));
                    maxLogit = Math.Max(maxLogit, Math.Abs(fa[i * cols + j]));
                }
            }
            n += rows;
        }
        return new Comparison(n, same, maxDiff, maxLogit, real);
    }

    private static int ArgMax(float[] v, int start, int count)
    {
        int best = 0;
        for (int i = 1; i < count; i++) if (v[start + i] > v[start + best]) best = i;
        return best;
    }

    public static QuantSpec Int8PerChannelStatic => QuantSpec.Preset("int8") with { FirstLastLayers = FirstLastLayerPolicy.Default };

    public static QuantSpec Int4PerGroup(ActivationMode activations) => new()
    {
        Default = new LayerSpec
        {
            Weights = WeightFormat.Int4, Granularity = Granularity.PerGroup(32), Symmetric = false,
            Activations = activations, ActivationBits = 8, ActivationSymmetric = false,
        },
    };
}
