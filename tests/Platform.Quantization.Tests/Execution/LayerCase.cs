using Platform.Quantization.Execution;
using Platform.Quantization.Formats;
using Platform.Quantization.Graph;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Runtime;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Execution;

/// <summary>
/// One quantized layer in a graph of its own, run on the real kernels and on the fp32 runtime with the dequantized
/// weight and the fake-quantized input (the definition), on random data.
/// </summary>
internal sealed class LayerCase
{
    public required string Name { get; init; }
    public required ModelGraph Graph { get; init; }
    public required Dictionary<string, Tensor> Inputs { get; init; }

    public static Tensor Random(Random rng, params int[] shape)
    {
        var v = new float[(int)TensorShape.ElementCount(shape)];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.FromArray(v, shape);
    }

    /// <summary>Conv (optionally followed by Relu, or Add(Z)+Relu, which the plan fuses) on x [n, c, spatial...].</summary>
    public static LayerCase Conv(string name, int[] x, int m, int[] kernel, int group = 1, long[]? strides = null, long[]? pads = null,
        long[]? dilations = null, bool bias = true, bool relu = false, bool residual = false, int seed = 1)
    {
        var rng = new Random(seed);
        int c = x[1];
        var node = new Node { Name = "layer", OpType = "Conv", Inputs = { "x", "w" }, Outputs = { "y" } };
        node.Attributes["group"] = NodeAttribute.Of("group", (long)group);
        if (strides is not null) node.Attributes["strides"] = NodeAttribute.Of("strides", strides);
        if (pads is not null) node.Attributes["pads"] = NodeAttribute.Of("pads", pads);
        if (dilations is not null) node.Attributes["dilations"] = NodeAttribute.Of("dilations", dilations);
        var g = new ModelGraph { Inputs = { new ValueInfo { Name = "x" } } };
        g.Initializers["w"] = Random(rng, [m, c / group, .. kernel]);
        if (bias)
        {
            node.Inputs.Add("b");
            g.Initializers["b"] = Random(rng, m);
        }
        g.Nodes.Add(node);
        var inputs = new Dictionary<string, Tensor> { ["x"] = Random(rng, x) };
        string output = "y";
        if (residual)
        {
            // Z must have the output's shape: run the conv once on the fp32 runtime to learn it.
            var probe = new Plan(new OnnxModel { Graph = new ModelGraph { Inputs = g.Inputs, Outputs = { new ValueInfo { Name = "y" } }, Nodes = g.Nodes, Initializers = g.Initializers } });
            var yShape = probe.Run(inputs)["y"].Shape;
            g.Inputs.Add(new ValueInfo { Name = "z" });
            inputs["z"] = Random(rng, yShape);
            g.Nodes.Add(new Node { Name = "add", OpType = "Add", Inputs = { "y", "z" }, Outputs = { "s" } });
            g.Nodes.Add(new Node { Name = "relu", OpType = "Relu", Inputs = { "s" }, Outputs = { "r" } });
            output = "r";
        }
        else if (relu)
        {
            g.Nodes.Add(new Node { Name = "relu", OpType = "Relu", Inputs = { "y" }, Outputs = { "r" } });
            output = "r";
        }
        g.Outputs.Add(new ValueInfo { Name = output });
        return new LayerCase { Name = name, Graph = g, Inputs = inputs };
    }

    public static LayerCase Gemm(string name, int m, int k, int n, bool transB, float alpha = 1f, float beta = 1f, int[]? c = null, int seed = 2)
    {
        var rng = new Random(seed);
        var node = new Node { Name = "layer", OpType = "Gemm", Inputs = { "a", "w" }, Outputs = { "y" } };
        node.Attributes["transB"] = NodeAttribute.Of("transB", transB ? 1L : 0L);
        node.Attributes["alpha"] = NodeAttribute.Of("alpha", alpha);
        node.Attributes["beta"] = NodeAttribute.Of("beta", beta);
        var g = new ModelGraph { Inputs = { new ValueInfo { Name = "a" } }, Outputs = { new ValueInfo { Name = "y" } }, Nodes = { node } };
        g.Initializers["w"] = transB ? Random(rng, n, k) : Random(rng, k, n);
        if (c is not null)
        {
            node.Inputs.Add("c");
            g.Initializers["c"] = Random(rng, c);
        }
        return new LayerCase { Name = name, Graph = g, Inputs = new() { ["a"] = Random(rng, m, k) } };
    }

    public static LayerCase MatMul(string name, int[] a, int n, int seed = 3)
    {
        var rng = new Random(seed);
        var node = new Node { Name = "layer", OpType = "MatMul", Inputs = { "a", "w" }, Outputs = { "y" } };
        var g = new ModelGraph { Inputs = { new ValueInfo { Name = "a" } }, Outputs = { new ValueInfo { Name = "y" } }, Nodes = { node } };
        g.Initializers["w"] = Random(rng, a[^1], n);
        return new LayerCase { Name = name, Graph = g, Inputs = new() { ["a"] = Random(rng, a) } };
    }

    /// <summary>The layer quantized with <paramref name="spec"/>; static input parameters from the input's own range.</summary>
    public QuantizedLayer Quantize(LayerSpec spec)
    {
        var layer = LayerDiscovery.Find(Graph).Single();
        var w = WeightQuantizer.Quantize(Graph.Initializers[layer.WeightName], layer.OutputAxis, spec);
        QuantParams? p = null;
        if (spec.Activations == ActivationMode.Static)
        {
            var (mn, mx) = FakeQuant.Range(Inputs[layer.Node.Inputs[0]].Floats);
            p = QuantParams.FromRange(mn, mx, spec.ActivationBits, spec.ActivationSymmetric);
        }
        return new QuantizedLayer(layer, spec, w, p);
    }

    /// <summary>(real, reference, plan) outputs.</summary>
    public (float[] Real, float[] Reference, QuantizedPlan Plan) Run(LayerSpec spec)
    {
        var q = Quantize(spec);
        var model = new OnnxModel { Graph = Graph };
        var real = QuantizedPlan.Create(model, [q], new PlanOptions { Threads = 2 });
        var reference = Graph.Clone();
        reference.Initializers[q.Layer.WeightName] = q.Weight.DequantizeTensor();
        bool xnor = spec.QuantizesActivations && spec.ActivationBits == 1;
        var plan = new Plan(new OnnxModel { Graph = reference }, new PlanOptions { Threads = 2, FuseOperators = !xnor });
        var observer = spec.QuantizesActivations
            ? new FakeQuantObserver(new Dictionary<string, (Layer, ActivationQuantizer)> { [q.Layer.Name] = (q.Layer, new ActivationQuantizer(spec, q.InputParams)) })
            : null;
        string output = Graph.Outputs[0].Name;
        return (real.Plan.Run(Inputs)[output].Floats, plan.Run(Inputs, observer)[output].Floats, real);
    }

    public override string ToString() => Name;
}
