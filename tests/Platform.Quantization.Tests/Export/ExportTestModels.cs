using Platform.Quantization.Formats;
using Platform.Quantization.Graph;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Runtime;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Export;

/// <summary>Small models with every layer kind the exporters meet, quantized by hand, and our fake-quant run of them.</summary>
public static class ExportTestModels
{
    /// <summary>x[B,64] → Gemm(transB=1, bias) → Relu → MatMul [64,48] → Gemm(transB=0, alpha 0.5, beta 2, bias) → y[B,10].</summary>
    public static OnnxModel Mlp(int seed = 1)
    {
        var rnd = new Random(seed);
        var g = new ModelGraph();
        g.Initializers["w1"] = Random(rnd, 64, 64);
        g.Initializers["b1"] = Random(rnd, 64);
        g.Initializers["w2"] = Random(rnd, 64, 48);
        g.Initializers["w3"] = Random(rnd, 48, 10);
        g.Initializers["b3"] = Random(rnd, 10);
        var gemm1 = new Node { Name = "fc1", OpType = "Gemm", Inputs = ["x", "w1", "b1"], Outputs = ["h1"] };
        gemm1.Attributes["transB"] = NodeAttribute.Of("transB", 1L);
        var gemm3 = new Node { Name = "fc3", OpType = "Gemm", Inputs = ["h3", "w3", "b3"], Outputs = ["y"] };
        gemm3.Attributes["alpha"] = NodeAttribute.Of("alpha", 0.5f);
        gemm3.Attributes["beta"] = NodeAttribute.Of("beta", 2f);
        g.Nodes.AddRange([
            gemm1,
            new Node { Name = "relu1", OpType = "Relu", Inputs = ["h1"], Outputs = ["h2"] },
            new Node { Name = "mm2", OpType = "MatMul", Inputs = ["h2", "w2"], Outputs = ["h3"] },
            gemm3]);
        g.Inputs.Add(new ValueInfo { Name = "x", Shape = [Dim.Symbol("N"), Dim.Fixed(64)] });
        g.Outputs.Add(new ValueInfo { Name = "y", Shape = [Dim.Symbol("N"), Dim.Fixed(10)] });
        return new OnnxModel { Graph = g, IrVersion = 7, Opsets = new(StringComparer.Ordinal) { [""] = 13 } };
    }

    /// <summary>x[B,3,8,8] → Conv [8,3,3,3] + bias → Relu → Conv [4,8,3,3] → Flatten → Gemm(transB=1) → y[B,5].</summary>
    public static OnnxModel Cnn(int seed = 2)
    {
        var rnd = new Random(seed);
        var g = new ModelGraph();
        g.Initializers["c1"] = Random(rnd, 8, 3, 3, 3);
        g.Initializers["c1b"] = Random(rnd, 8);
        g.Initializers["c2"] = Random(rnd, 4, 8, 3, 3);
        g.Initializers["f"] = Random(rnd, 5, 4 * 8 * 8);
        Node Conv(string name, string x, string w, string? b, string y)
        {
            var n = new Node { Name = name, OpType = "Conv", Inputs = b is null ? [x, w] : [x, w, b], Outputs = [y] };
            n.Attributes["pads"] = NodeAttribute.Of("pads", new long[] { 1, 1, 1, 1 });
            return n;
        }
        var fc = new Node { Name = "fc", OpType = "Gemm", Inputs = ["h4", "f"], Outputs = ["y"] };
        fc.Attributes["transB"] = NodeAttribute.Of("transB", 1L);
        g.Nodes.AddRange([
            Conv("conv1", "x", "c1", "c1b", "h1"),
            new Node { Name = "relu1", OpType = "Relu", Inputs = ["h1"], Outputs = ["h2"] },
            Conv("conv2", "h2", "c2", null, "h3"),
            new Node { Name = "flat", OpType = "Flatten", Inputs = ["h3"], Outputs = ["h4"] },
            fc]);
        g.Inputs.Add(new ValueInfo { Name = "x", Shape = [Dim.Symbol("N"), Dim.Fixed(3), Dim.Fixed(8), Dim.Fixed(8)] });
        g.Outputs.Add(new ValueInfo { Name = "y", Shape = [Dim.Symbol("N"), Dim.Fixed(5)] });
        return new OnnxModel { Graph = g, IrVersion = 7, Opsets = new(StringComparer.Ordinal) { [""] = 13 } };
    }

    /// <summary>x[B,4,5,5] → ConvTranspose [4,6,3,3] (output channels on axis 1) → Flatten → MatMul [294,5] → y.</summary>
    public static OnnxModel ConvTranspose(int seed = 3)
    {
        var rnd = new Random(seed);
        var g = new ModelGraph();
        g.Initializers["ct"] = Random(rnd, 4, 6, 3, 3);
        g.Initializers["m"] = Random(rnd, 6 * 7 * 7, 5);
        g.Nodes.AddRange([
            new Node { Name = "deconv", OpType = "ConvTranspose", Inputs = ["x", "ct"], Outputs = ["h1"] },
            new Node { Name = "flat", OpType = "Flatten", Inputs = ["h1"], Outputs = ["h2"] },
            new Node { Name = "mm", OpType = "MatMul", Inputs = ["h2", "m"], Outputs = ["y"] }]);
        g.Inputs.Add(new ValueInfo { Name = "x", Shape = [Dim.Symbol("N"), Dim.Fixed(4), Dim.Fixed(5), Dim.Fixed(5)] });
        g.Outputs.Add(new ValueInfo { Name = "y", Shape = [Dim.Symbol("N"), Dim.Fixed(5)] });
        return new OnnxModel { Graph = g, IrVersion = 7, Opsets = new(StringComparer.Ordinal) { [""] = 13 } };
    }

    /// <summary>x[64,B] → Gemm(transA=1, w [64,10], bias [10], beta 0.5) → y[B,10].</summary>
    public static OnnxModel GemmTransA(int seed = 4)
    {
        var rnd = new Random(seed);
        var g = new ModelGraph();
        g.Initializers["w"] = Random(rnd, 64, 10);
        g.Initializers["b"] = Random(rnd, 10);
        var gemm = new Node { Name = "fc", OpType = "Gemm", Inputs = ["x", "w", "b"], Outputs = ["y"] };
        gemm.Attributes["transA"] = NodeAttribute.Of("transA", 1L);
        gemm.Attributes["beta"] = NodeAttribute.Of("beta", 0.5f);
        g.Nodes.Add(gemm);
        g.Inputs.Add(new ValueInfo { Name = "x", Shape = [Dim.Fixed(64), Dim.Symbol("N")] });
        g.Outputs.Add(new ValueInfo { Name = "y", Shape = [Dim.Symbol("N"), Dim.Fixed(10)] });
        return new OnnxModel { Graph = g, IrVersion = 7, Opsets = new(StringComparer.Ordinal) { [""] = 13 } };
    }

    public static OnnxModel ByName(string name) => name switch
    {
        "mlp" => Mlp(),
        "cnn" => Cnn(),
        "deconv" => ConvTranspose(),
        "gemmT" => GemmTransA(),
        _ => throw new ArgumentException(name),
    };

    public static Tensor Random(Random rnd, params int[] shape)
    {
        var d = new float[(int)TensorShape.ElementCount(shape)];
        for (int i = 0; i < d.Length; i++) d[i] = (float)(rnd.NextDouble() * 2 - 1);
        return Tensor.FromArray(d, shape);
    }

    /// <summary>Quantizes every layer with <paramref name="spec"/>; static input ranges are [−3, 3] (any fixed range will do).</summary>
    public static List<QuantizedLayer> Quantize(OnnxModel model, LayerSpec spec) => Quantize(model, _ => spec);

    public static List<QuantizedLayer> Quantize(OnnxModel model, Func<Layer, LayerSpec> spec)
    {
        var layers = LayerDiscovery.Find(model.Graph);
        return layers.Select(l =>
        {
            var s = spec(l);
            var w = WeightQuantizer.Quantize(model.Graph.Initializers[l.WeightName], l.OutputAxis, s, seed: 3);
            QuantParams? p = s.Activations == ActivationMode.Static && s.ActivationBits > 1
                ? QuantParams.FromRange(-3f, 3f, s.ActivationBits, s.ActivationSymmetric) : null;
            return new QuantizedLayer(l, s, w, p);
        }).ToList();
    }

    /// <summary>Our fake-quant path: the stored weights dequantized in place, the input activations quantized → dequantized.</summary>
    public static Dictionary<string, Tensor> RunFakeQuant(OnnxModel prepared, IReadOnlyList<QuantizedLayer> layers, IReadOnlyDictionary<string, Tensor> inputs)
    {
        var graph = prepared.Graph.Clone();
        var acts = new Dictionary<string, (Layer, ActivationQuantizer)>(StringComparer.Ordinal);
        foreach (var l in layers)
        {
            string name = l.Layer.WeightName + "_fq";
            graph.Initializers[name] = l.Weight.DequantizeTensor();
            graph.Nodes.First(n => n.Name == l.Layer.Name).Inputs[l.Layer.WeightInput] = name;
            if (l.Spec.QuantizesActivations) acts[l.Layer.Name] = (l.Layer, new ActivationQuantizer(l.Spec, l.InputParams));
        }
        var plan = new Plan(new OnnxModel { Graph = graph, Opsets = prepared.Opsets, IrVersion = prepared.IrVersion }, new PlanOptions { Threads = 1 });
        return plan.Run(inputs, new FakeQuantObserver(acts));
    }

    public static Dictionary<string, Tensor> Input(OnnxModel model, int batch, int seed = 5)
    {
        var rnd = new Random(seed);
        var v = model.Graph.Inputs[0];
        int[] shape = v.Shape!.Select(d => d.Value is long x ? (int)x : batch).ToArray();
        var t = Random(rnd, shape);
        for (int i = 0; i < t.Floats.Length; i++) t.Floats[i] *= 2;
        return new() { [v.Name] = t };
    }
}
