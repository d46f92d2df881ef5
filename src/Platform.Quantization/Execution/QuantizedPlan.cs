using Platform.Quantization.Formats;
using Platform.Quantization.Graph;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Runtime;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Execution;

/// <summary>
/// Builds a plan that runs each quantized layer on its format's real kernel (int8 VNNI, int4, binary, PQ lookup
/// tables, fp16/bf16) and every other node on the fp32 runtime. Weights are packed once, here. Layers whose format or
/// shape has no kernel run on the fp32 runtime with the dequantized weight and the fake-quantized input, and are
/// listed in <see cref="FallbackLayers"/>. Between int8 layers activations travel as u8 (ADR 0007).
/// </summary>
public sealed class QuantizedPlan
{
    private QuantizedPlan(Plan plan, IReadOnlyDictionary<string, string> kernels, IReadOnlyList<FallbackLayer> fallbacks, IReadOnlyList<CarriedActivation> carried)
    {
        Plan = plan;
        LayerKernels = kernels;
        FallbackLayers = fallbacks;
        CarriedActivations = carried;
    }

    public Plan Plan { get; }

    /// <summary>Per quantized layer: the kernel family it runs on ("int8", "int4", "binary", "xnor", "pq", "fp16", "bf16", "fallback").</summary>
    public IReadOnlyDictionary<string, string> LayerKernels { get; }

    /// <summary>Layers that run on the fp32 runtime (dequantized weight, fake-quantized input), each with the reason.</summary>
    public IReadOnlyList<FallbackLayer> FallbackLayers { get; }

    /// <summary>Activations carried as u8 between int8 layers.</summary>
    public IReadOnlyList<CarriedActivation> CarriedActivations { get; }

    public static Plan Build(OnnxModel prepared, IReadOnlyList<QuantizedLayer> layers, PlanOptions? options = null) =>
        Create(prepared, layers, options).Plan;

    public static QuantizedPlan Create(OnnxModel prepared, IReadOnlyList<QuantizedLayer> layers, PlanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(layers);
        options ??= new PlanOptions();
        var graph = prepared.Graph;
        var byName = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes) byName.TryAdd(n.Name, n);

        var overrides = new Dictionary<Node, IOperatorKernel>(ReferenceEqualityComparer.Instance);
        var kernels = new Dictionary<string, string>(StringComparer.Ordinal);
        var int8 = new Dictionary<Node, (QuantizedLayer Layer, Int8LayerKernel Kernel)>(ReferenceEqualityComparer.Instance);
        var fallbacks = new List<FallbackLayer>();
        foreach (var q in layers)
        {
            if (!byName.TryGetValue(q.Layer.Name, out var node))
                throw new InvalidModelException($"Quantized layer '{q.Layer.Name}' is not a node of the prepared model: pass QuantizationResult.Prepared with its Layers.");
            var (kernel, reason) = Choose(q, node);
            if (kernel is not null)
            {
                overrides[node] = kernel;
                kernels[q.Layer.Name] = kernel.Kind;
                if (kernel is Int8LayerKernel k8) int8[node] = (q, k8);
            }
            else if (reason is not null)
            {
                var quantizer = q.Spec.QuantizesActivations ? new ActivationQuantizer(q.Spec, q.InputParams) : null;
                overrides[node] = new FallbackLayerKernel(q, q.Weight.DequantizeTensor(), quantizer);
                kernels[q.Layer.Name] = "fallback";
                fallbacks.Add(new FallbackLayer(q.Layer.Name, reason));
            }
        }
        var carried = Carry(graph, int8, overrides);
        var plan = new Plan(prepared, new PlanOptions { Threads = options.Threads, FuseOperators = options.FuseOperators, KernelOverrides = overrides });
        return new QuantizedPlan(plan, kernels, fallbacks, carried);
    }

    /// <summary>The kernel a layer runs on, or the reason it falls back; (null, null) for an fp32 layer (nothing to do).</summary>
    private static (LayerKernel? Kernel, string? Reason) Choose(QuantizedLayer q, Node node)
    {
        var spec = q.Spec;
        var kind = spec.Weights.Kind;
        if (kind == WeightFormatKind.Fp32 && !spec.QuantizesActivations) return (null, null);
        string op = node.OpType;
        int groups = 1;
        switch (op)
        {
            case "Conv":
                if (q.Layer.WeightShape.Length > 4) return (null, $"{q.Layer.WeightShape.Length - 2}-D convolution: the quantized kernels take 1-D and 2-D.");
                groups = checked((int)node.GetInt("group", 1));
                if (groups < 1 || q.Weight.Channels % groups != 0) return (null, $"group = {groups} does not divide {q.Weight.Channels} output channels.");
                break;
            case "Gemm":
                if (node.GetInt("transA", 0) != 0) return (null, "Gemm with transA = 1: the quantized kernels take A row-major.");
                break;
            case "MatMul":
                break;
            default:
                return (null, $"{op}: no quantized kernel (Conv, Gemm and MatMul have one).");
        }
        bool acts = spec.QuantizesActivations;
        int bits = spec.ActivationBits;
        switch (kind)
        {
            case WeightFormatKind.Int8:
                if (spec.Granularity.Kind == GranularityKind.PerGroup) return (null, "int8 with per-group scales: the int8 epilogue has one scale per output channel.");
                if (!acts) return (null, "int8 weight-only: there is no fp32 × int8 kernel; use quantized activations (static or dynamic) to run on int8.");
                if (bits is < 2 or > 8) return (null, $"int8 weights with {bits}-bit activations: no kernel.");
                if (spec.Activations == ActivationMode.Static && q.InputParams is null) return (null, "static activations without calibrated parameters.");
                return (new Int8LayerKernel(q, groups), null);
            case WeightFormatKind.Int4:
                if (acts && bits is < 2 or > 8) return (null, $"int4 weights with {bits}-bit activations: no kernel.");
                if (acts && spec.Activations == ActivationMode.Static && q.InputParams is null) return (null, "static activations without calibrated parameters.");
                return (new Int4LayerKernel(q, groups), null);
            case WeightFormatKind.Int2:
                return (null, "int2: no kernel yet.");
            case WeightFormatKind.Binary:
                if (acts && bits != 1) return (null, $"binary weights with {bits}-bit activations: the binary kernels take fp32 (BinaryConnect) or 1-bit (XNOR) activations.");
                return (new BinaryLayerKernel(q, groups), null);
            case WeightFormatKind.Pq:
                var pq = (PqQuantizedWeight)q.Weight;
                if (acts) return (null, "PQ weights with quantized activations: the lookup-table kernel takes fp32 activations.");
                if (pq.CodeBytes != 1) return (null, $"PQ with {pq.K} codewords: the lookup-table kernel takes at most 256.");
                if (pq.D == 0 || pq.RowLength % pq.D != 0) return (null, $"PQ sub-vectors of {pq.D} do not tile rows of {pq.RowLength}.");
                return (new PqLayerKernel(q, groups), null);
            case WeightFormatKind.Fp16 or WeightFormatKind.Bf16:
                if (acts) return (null, $"{spec.Weights.Name} weights with quantized activations: no kernel.");
                return (new HalfLayerKernel(q, groups), null);
            case WeightFormatKind.Fp32:
                return (null, "fp32 weights with quantized activations: no kernel.");
            default:
                return (null, $"{spec.Weights.Name}: no kernel.");
        }
    }

    /// <summary>
    /// The carrying rule (ADR 0007): an int8 layer's output travels as u8 when, following it through single-consumer
    /// Relu / MaxPool / Flatten / Reshape nodes (all commute with a monotone per-tensor quantization), every consumer
    /// is an int8 layer reading it as its input with the same static unsigned 8-bit parameters, and no graph output
    /// or other node sees it. The producer's epilogue then requantizes with those parameters.
    /// </summary>
    private static List<CarriedActivation> Carry(ModelGraph graph, Dictionary<Node, (QuantizedLayer Layer, Int8LayerKernel Kernel)> int8,
        Dictionary<Node, IOperatorKernel> overrides)
    {
        var result = new List<CarriedActivation>();
        var consumers = graph.Consumers();
        var outputs = new HashSet<string>(graph.Outputs.Select(o => o.Name), StringComparer.Ordinal);
        foreach (var (node, (layer, kernel)) in int8)
        {
            if (node.OpType == "Gemm" && node.Input(2) is { } cName
                && (!graph.Initializers.TryGetValue(cName, out var c) || LayerKernel.GemmBias(c, layer.Weight.Channels, 1f) is null)) continue;
            string v = node.Outputs[0];
            var via = new List<Node>();
            while (true)
            {
                if (outputs.Contains(v) || consumers.GetValueOrDefault(v) is not { Count: > 0 } next) break;
                if (next.All(n => IsCarryConsumer(n, v, int8)))
                {
                    var p = int8[next[0]].Layer.InputParams!.Value;
                    if (!next.All(n => int8[n].Layer.InputParams == p)) break;
                    kernel.OutputParams = p;
                    foreach (var r in via.Where(r => r.OpType == "Relu")) overrides[r] = new U8ReluKernel(p.ZeroPoint);
                    result.Add(new CarriedActivation(layer.Layer.Name, next.Select(n => n.Name).ToList(), via.Select(n => n.Name).ToList()));
                    break;
                }
                if (next is not [var only] || only.Domain.Length > 0 || only.OpType is not ("Relu" or "MaxPool" or "Flatten" or "Reshape")
                    || only.Inputs[0] != v || only.Outputs.Skip(1).Any(o => o.Length > 0)) break;
                via.Add(only);
                v = only.Outputs[0];
            }
        }
        return result;
    }

    private static bool IsCarryConsumer(Node n, string value, Dictionary<Node, (QuantizedLayer Layer, Int8LayerKernel Kernel)> int8) =>
        int8.TryGetValue(n, out var c)
        && n.Inputs[0] == value && n.Inputs.Count(i => i == value) == 1
        && c.Layer.Spec.Activations == ActivationMode.Static
        && c.Layer.InputParams is { Bits: 8, Signed: false };
}
