using System.Diagnostics;
using Platform.Quantization.Calibration;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Execution;
using Platform.Quantization.Export;
using Platform.Quantization.Formats;
using Platform.Quantization.Graph;
using Platform.Quantization.Graph.Passes;
using Platform.Quantization.Runtime;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Pipeline;

/// <summary>
/// load → fold → calibrate → quantize weights → evaluate fp32 and quantized side by side (the quantized model on the
/// real kernels by default) → measure latency → report.
/// The one call the worker and `qplat quantize` make. Memory stays bounded by one batch of activations
/// whatever the data sets' sizes: calibration keeps histograms, evaluation keeps running sums.
/// </summary>
public static class QuantizationPipeline
{
    // Share of the run each stage reports progress over.
    private const double LoadEnd = 0.05, CalibrateEnd = 0.35, QuantizeEnd = 0.55, EvaluateEnd = 0.95;

    public static QuantizationResult Run(QuantizationRequest request, IProgress<PipelineProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        request.Spec.Validate();
        progress?.Report(new("load", 0));
        var prepared = PreparedModel.Load(request.ModelPath);
        var fp32Model = prepared.Model;
        var fp32Plan = new Plan(fp32Model, new PlanOptions { Threads = request.Threads });
        progress?.Report(new("load", LoadEnd));

        // Open and check the evaluation data before any work, so a wrong-shaped data set fails at once.
        using var eval = NpzDataSet.Open(request.EvaluationDataPath);
        var evalBinding = new DataBinding(fp32Model.Graph, eval, request.BatchSize, Path.GetFileName(request.EvaluationDataPath));

        var specs = prepared.Layers.ToDictionary(l => l.Name, l => request.Spec.Resolve(l.Name, l.IsFirst, l.IsLast), StringComparer.Ordinal);

        // Calibration: observers on the inputs of layers with static activation ranges.
        var staticLayers = prepared.Layers.Where(l => specs[l.Name] is { Activations: ActivationMode.Static, ActivationBits: > 1 }).ToList();
        var ranges = new Dictionary<string, ClipRange>(StringComparer.Ordinal);
        int calibrationSamples = 0;
        if (staticLayers.Count > 0)
        {
            if (request.CalibrationDataPath is null)
                throw new InvalidDataSetException("The spec quantizes activations statically: a calibration data set is required (--calib).");
            using var calib = NpzDataSet.Open(request.CalibrationDataPath);
            var binding = new DataBinding(fp32Model.Graph, calib, request.BatchSize, Path.GetFileName(request.CalibrationDataPath));
            int total = Math.Min(binding.Samples, request.CalibrationSamples ?? int.MaxValue);
            if (total == 0) throw new InvalidDataSetException($"Calibration data set '{Path.GetFileName(request.CalibrationDataPath)}' has no samples.");
            var valueNames = staticLayers.Select(l => l.Node.Inputs[0]).Distinct().ToList();
            var calibrator = new Calibrator(fp32Plan, valueNames, new CalibrationOptions { Bins = request.HistogramBins, Percentile = request.Percentile });
            foreach (var batch in calib.ReadBatches(binding.BatchSize, binding.Arrays, widenFloat16: true, start: 0, count: total))
            {
                cancellationToken.ThrowIfCancellationRequested();
                fp32Plan.Run(binding.Inputs(batch), calibrator, cancellationToken);
                calibrationSamples += batch.Count;
                progress?.Report(new("calibrate", LoadEnd + (CalibrateEnd - LoadEnd) * calibrationSamples / total));
            }
            var result = calibrator.Result;
            foreach (var l in staticLayers)
            {
                var s = specs[l.Name];
                var observer = result[l.Node.Inputs[0]];
                ranges[l.Name] = RangeMethods.Compute(observer, s.Calibration, s.ActivationBits, s.ActivationSymmetric, request.Percentile);
            }
        }
        progress?.Report(new("quantize", CalibrateEnd));

        // Weights: quantize each layer, and put the dequantized image where the fp32 weight was.
        var graph = fp32Model.Graph.Clone();
        var weights = new Dictionary<string, QuantizedWeight>(StringComparer.Ordinal);
        var activationQuantizers = new Dictionary<string, (Layer, ActivationQuantizer)>(StringComparer.Ordinal);
        var quantizedLayers = new List<QuantizedLayer>(prepared.Layers.Count);
        for (int i = 0; i < prepared.Layers.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var layer = prepared.Layers[i];
            var spec = specs[layer.Name];
            var w = fp32Model.Graph.Initializers[layer.WeightName];
            var q = WeightQuantizer.Quantize(w, layer.OutputAxis, spec, seed: request.Seed);
            weights[layer.Name] = q;
            if (spec.Weights.Kind != WeightFormatKind.Fp32)
            {
                var name = UniqueName(graph, layer.WeightName + "_" + spec.Weights.Name.Replace(':', '_').Replace(',', '_').Replace('=', '_'));
                graph.Initializers[name] = q.DequantizeTensor();
                graph.Nodes.First(n => n.Name == layer.Name).Inputs[layer.WeightInput] = name;
            }
            if (spec.QuantizesActivations)
            {
                QuantParams? p = ranges.TryGetValue(layer.Name, out var r)
                    ? QuantParams.FromRange(r.Min, r.Max, spec.ActivationBits, spec.ActivationSymmetric) : null;
                activationQuantizers[layer.Name] = (layer, new ActivationQuantizer(spec, p));
            }
            quantizedLayers.Add(new QuantizedLayer(layer, spec, q,
                ranges.TryGetValue(layer.Name, out var range) ? QuantParams.FromRange(range.Min, range.Max, spec.ActivationBits, spec.ActivationSymmetric) : null));
            progress?.Report(new("quantize", CalibrateEnd + (QuantizeEnd - CalibrateEnd) * (i + 1) / prepared.Layers.Count));
        }
        ConstantFolding.RemoveUnusedInitializers(graph);
        var quantizedModel = new OnnxModel
        {
            Graph = graph, Opsets = fp32Model.Opsets, IrVersion = fp32Model.IrVersion,
            ProducerName = fp32Model.ProducerName, ProducerVersion = fp32Model.ProducerVersion,
        };
        quantizedModel.Metadata["qplat.spec"] = request.Spec.ToJson();
        // Real: every layer on its format's kernel. FakeQuant: fp32 on the dequantized model, inputs fake-quantized;
        // XNOR's patch β scales a convolution's output before its activation, so that plan is not fused.
        bool xnor = quantizedLayers.Any(l => l.Spec.QuantizesActivations && l.Spec.ActivationBits == 1);
        QuantizedPlan? realPlan = request.Execution == ExecutionMode.Real
            ? QuantizedPlan.Create(fp32Model, quantizedLayers, new PlanOptions { Threads = request.Threads }) : null;
        var quantizedPlan = realPlan?.Plan ?? new Plan(quantizedModel, new PlanOptions { Threads = request.Threads, FuseOperators = !xnor });
        var fakeQuant = realPlan is null ? new FakeQuantObserver(activationQuantizers) : null;
        var timing = new LayerTimingObserver(prepared.Layers.Select(l => l.Name));
        var quantObserver = new CompositeObserver(fakeQuant, timing);

        // Evaluation: both models on the same batches; only running sums are kept.
        var fp32Accuracy = new AccuracyAccumulator();
        var quantAccuracy = new AccuracyAccumulator();
        var fidelity = new FidelityAccumulator();
        int evaluated = 0;
        int evalTotal = Math.Min(evalBinding.Samples, request.EvaluationSamples ?? int.MaxValue);
        if (evalTotal == 0) throw new InvalidDataSetException($"Evaluation data set '{Path.GetFileName(request.EvaluationDataPath)}' has no samples.");
        string output = fp32Model.Graph.Outputs[0].Name;
        foreach (var batch in eval.ReadBatches(evalBinding.BatchSize, evalBinding.ArraysToRead, widenFloat16: true, start: 0, count: evalTotal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var inputs = evalBinding.Inputs(batch);
            var reference = fp32Plan.Run(inputs, null, cancellationToken)[output];
            var quantized = quantizedPlan.Run(inputs, quantObserver, cancellationToken)[output];
            timing.Runs++;
            fidelity.Add(reference, quantized);
            if (evalBinding.HasLabels)
            {
                fp32Accuracy.Add(reference, batch[DataBinding.LabelArray]);
                quantAccuracy.Add(quantized, batch[DataBinding.LabelArray]);
            }
            evaluated += batch.Count;
            progress?.Report(new("evaluate", QuantizeEnd + (EvaluateEnd - QuantizeEnd) * evaluated / evalTotal));
        }

        if (request.LatencyRuns > 0) progress?.Report(new("measure", EvaluateEnd));
        var latency = MeasureLatency(request, fp32Model, fp32Plan, quantizedPlan, quantObserver, timing, eval, quantizedLayers, cancellationToken);

        var f = fidelity.Result();
        long otherBytes = OtherParameterBytes(fp32Model.Graph, prepared.Layers);
        var size = ModelSize.Of(weights.Values, otherBytes);
        var layerReports = prepared.Layers.Select(l =>
        {
            var q = weights[l.Name];
            var s = specs[l.Name];
            return new LayerReport(l.Name, l.OpType, s.Weights.Name, s.Weights.Kind is WeightFormatKind.Int8 or WeightFormatKind.Int4 or WeightFormatKind.Int2 ? s.Granularity.ToString() : "-",
                s.Activations == ActivationMode.None ? "none" : $"{s.Activations.ToString().ToLowerInvariant()}:{s.ActivationBits}bit",
                l.WeightShape, l.Parameters, q.SizeBytes, q.BitsPerWeight,
                s.Weights.Kind == WeightFormatKind.Fp32 || double.IsInfinity(q.SqnrDb) ? null : Math.Round(q.SqnrDb, 3),
                ranges.TryGetValue(l.Name, out var r) ? r : null, Math.Round(timing.MeanMs(l.Name), 4))
            {
                LatencyMs = timing.MedianMs(l.Name) is { } ms ? Math.Round(ms, 4) : null,
                Kernel = realPlan is null ? null : realPlan.LayerKernels.GetValueOrDefault(l.Name, "fp32"),
                Fallback = realPlan?.FallbackLayers.FirstOrDefault(b => b.Name == l.Name)?.Reason,
            };
        }).ToList();
        bool labels = quantAccuracy.Samples > 0;
        var report = new QuantizationReport(
            new Fp32Report(labels ? fp32Accuracy.Result().Top1 : null, labels ? fp32Accuracy.Result().Top5 : null, size.Fp32TotalBytes)
            {
                LatencyMsP50 = latency?.Fp32.LatencyMsP50,
                LatencyMsP90 = latency?.Fp32.LatencyMsP90,
                Runtime = latency?.Fp32.Runtime,
            },
            new VariantReport(labels ? quantAccuracy.Result().Top1 : null, labels ? quantAccuracy.Result().Top5 : null,
                f.Top1Agreement, Math.Round(f.SqnrDbCapped(), 3), f.MeanCosine, size.TotalBytes, Math.Round(size.CompressionRatio, 3), request.Spec)
            {
                LatencyMsP50 = latency?.Variant.LatencyMsP50,
                LatencyMsP90 = latency?.Variant.LatencyMsP90,
                Runtime = latency?.Variant.Runtime,
                Threads = latency is null ? null : request.Threads,
                LatencyBatchSize = latency?.BatchSize,
                Latencies = latency?.All,
                Execution = request.Execution == ExecutionMode.Real ? "real" : "fakeQuant",
            },
            layerReports, calibrationSamples, evaluated, prepared.FoldedBatchNorms, Math.Round(clock.Elapsed.TotalSeconds, 2));
        progress?.Report(new("done", 1));
        return new QuantizationResult { Model = quantizedModel, Weights = weights, Prepared = fp32Model, Layers = quantizedLayers, Report = report,
            OnnxExport = latency?.OnnxExport };
    }

    /// <param name="OnnxExport">The QDQ export ONNX Runtime was timed on, kept so nobody builds it twice; null when not measured there.</param>
    private sealed record LatencyResult(RuntimeLatency Fp32, RuntimeLatency Variant, IReadOnlyList<RuntimeLatency> All, int BatchSize, OnnxModel? OnnxExport = null);

    /// <summary>
    /// Whole-model latency of the fp32 and quantized models on the spec's runtime (warm-up, then timed runs one by one,
    /// median and p90), and per-layer medians on ours over the same runs; null when no runs are asked for.
    /// </summary>
    private static LatencyResult? MeasureLatency(QuantizationRequest request, OnnxModel fp32Model, Plan fp32Plan, Plan quantizedPlan,
        IExecutionObserver quantObserver, LayerTimingObserver timing, NpzDataSet eval, IReadOnlyList<QuantizedLayer> layers, CancellationToken ct)
    {
        if (request.LatencyRuns <= 0) return null;
        var binding = new DataBinding(fp32Model.Graph, eval, Math.Max(1, request.LatencyBatchSize), "latency batch");
        var batch = eval.ReadBatches(binding.BatchSize, binding.Arrays, widenFloat16: true, start: 0, count: binding.BatchSize).FirstOrDefault();
        if (batch is null) return null;
        var inputs = binding.Inputs(batch);
        int warmup = Math.Max(0, request.LatencyWarmup), runs = request.LatencyRuns;

        var fp32 = LatencyMeter.Measure(() => fp32Plan.Run(inputs, null, ct), warmup, runs);
        timing.ClearRuns();
        var ours = LatencyMeter.Measure(() =>
        {
            timing.BeginRun();
            quantizedPlan.Run(inputs, quantObserver, ct);
            timing.EndRun();
        }, warmup, runs);
        // The warm-up's runs were recorded too: keep the timed ones only.
        timing.KeepLastRuns(runs);
        var oursFp32 = new RuntimeLatency(LatencyRuntime.Ours, Math.Round(fp32.MedianMs, 4), Math.Round(fp32.P90Ms, 4), Math.Round(fp32.MedianMs, 4));
        var oursVariant = new RuntimeLatency(LatencyRuntime.Ours, Math.Round(ours.MedianMs, 4), Math.Round(ours.P90Ms, 4), Math.Round(fp32.MedianMs, 4));
        bool named = request.Spec.Runtime == LatencyRuntime.OnnxRuntime;
        var notRunnable = layers.FirstOrDefault(l => !QdqExporter.RunsOnOnnxRuntime(l));
        if (notRunnable is not null)
        {
            if (named)
                throw new NotSupportedException($"The spec measures latency on onnxruntime, but layer '{notRunnable.Layer.Name}' is {notRunnable.Spec.Weights.Name}" +
                    (notRunnable.Spec.ActivationBits == 1 ? " with binarized activations" : "") + ", which ONNX Runtime cannot run: use runtime \"ours\".");
            return new LatencyResult(oursFp32, oursVariant, [oursVariant], binding.BatchSize);
        }

        // Teams deploy on a runtime: where ONNX Runtime runs the variant's formats it is measured there too, so the variant
        // records both. Only a spec that names onnxruntime fails when it cannot be measured there.
        RuntimeLatency f, v;
        OnnxModel export;
        try
        {
            var ortFp32 = OnnxRuntimeLatency.Measure(fp32Model, inputs, request.Threads, warmup, runs);
            export = QdqExporter.Export(fp32Model, layers);
            var ortVariant = OnnxRuntimeLatency.Measure(export, inputs, request.Threads, warmup, runs);
            f = new RuntimeLatency(LatencyRuntime.OnnxRuntime, Math.Round(ortFp32.MedianMs, 4), Math.Round(ortFp32.P90Ms, 4), Math.Round(ortFp32.MedianMs, 4));
            v = new RuntimeLatency(LatencyRuntime.OnnxRuntime, Math.Round(ortVariant.MedianMs, 4), Math.Round(ortVariant.P90Ms, 4), Math.Round(ortFp32.MedianMs, 4));
        }
        catch (Exception e) when (!named && e is not OperationCanceledException)
        {
            return new LatencyResult(oursFp32, oursVariant, [oursVariant], binding.BatchSize);
        }
        return named ? new LatencyResult(f, v, [v, oursVariant], binding.BatchSize, export)
            : new LatencyResult(oursFp32, oursVariant, [oursVariant, v], binding.BatchSize, export);
    }

    /// <summary>Bytes of float parameters that are not layer weights (biases, norms), kept at fp32.</summary>
    private static long OtherParameterBytes(ModelGraph g, IReadOnlyList<Layer> layers)
    {
        var layerWeights = layers.Select(l => l.WeightName).ToHashSet(StringComparer.Ordinal);
        return g.Initializers.Where(kv => !layerWeights.Contains(kv.Key) && kv.Value.Type != DataType.String)
            .Sum(kv => (long)kv.Value.Length * Tensor.ElementSize(kv.Value.Type));
    }

    private static string UniqueName(ModelGraph g, string name)
    {
        var n = name;
        for (int i = 1; g.Initializers.ContainsKey(n); i++) n = $"{name}_{i}";
        return n;
    }
}
