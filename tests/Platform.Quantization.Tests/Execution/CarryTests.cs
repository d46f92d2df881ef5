using Platform.Quantization.Execution;
using Platform.Quantization.Formats;
using Platform.Quantization.Graph;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Runtime;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Execution;

/// <summary>The carrying rule of ADR 0007 on two-layer graphs: when u8 travels between int8 layers, and when it must not.</summary>
public class CarryTests
{
    private static readonly LayerSpec Int8Static = new() { Weights = WeightFormat.Int8, Activations = ActivationMode.Static };

    /// <summary>x → conv1 [→ between] → conv2 → y, both int8 with static parameters calibrated on the input itself.</summary>
    private static (OnnxModel Model, List<QuantizedLayer> Layers, Dictionary<string, Tensor> Inputs) TwoConvs(string? between, LayerSpec? second = null,
        bool firstIsOutput = false)
    {
        var rng = new Random(7);
        var g = new ModelGraph { Inputs = { new ValueInfo { Name = "x" } }, Outputs = { new ValueInfo { Name = "y" } } };
        g.Initializers["w1"] = LayerCase.Random(rng, 6, 3, 3, 3);
        g.Initializers["b1"] = LayerCase.Random(rng, 6);
        g.Initializers["w2"] = LayerCase.Random(rng, 4, 6, 3, 3);
        var pads = NodeAttribute.Of("pads", new long[] { 1, 1, 1, 1 });
        g.Nodes.Add(new Node { Name = "conv1", OpType = "Conv", Inputs = { "x", "w1", "b1" }, Outputs = { "h" }, Attributes = { ["pads"] = pads } });
        string mid = "h";
        if (between is not null)
        {
            var node = new Node { Name = "between", OpType = between, Inputs = { "h" }, Outputs = { "h2" } };
            if (between == "MaxPool")
            {
                node.Attributes["kernel_shape"] = NodeAttribute.Of("kernel_shape", new long[] { 2, 2 });
                node.Attributes["strides"] = NodeAttribute.Of("strides", new long[] { 2, 2 });
            }
            g.Nodes.Add(node);
            mid = "h2";
        }
        g.Nodes.Add(new Node { Name = "conv2", OpType = "Conv", Inputs = { mid, "w2" }, Outputs = { "y" }, Attributes = { ["pads"] = pads } });
        if (firstIsOutput) g.Outputs.Add(new ValueInfo { Name = "h" });
        var inputs = new Dictionary<string, Tensor> { ["x"] = LayerCase.Random(rng, 2, 3, 8, 8) };

        // Calibrate: the fp32 values each layer reads.
        var probe = g.Clone();
        probe.Outputs.Add(new ValueInfo { Name = mid });
        var values = new Plan(new OnnxModel { Graph = probe }, new PlanOptions { FuseOperators = false }).Run(inputs);
        var found = LayerDiscovery.Find(g);
        var layers = new List<QuantizedLayer>();
        foreach (var l in found)
        {
            var spec = l.Name == "conv2" ? second ?? Int8Static : Int8Static;
            var x = l.Name == "conv1" ? inputs["x"] : values[mid];
            QuantParams? p = null;
            if (spec.Activations == ActivationMode.Static)
            {
                var (mn, mx) = FakeQuant.Range(x.Floats);
                p = QuantParams.FromRange(mn, mx, spec.ActivationBits, spec.ActivationSymmetric);
            }
            layers.Add(new QuantizedLayer(l, spec, WeightQuantizer.Quantize(g.Initializers[l.WeightName], l.OutputAxis, spec), p));
        }
        return (new OnnxModel { Graph = g }, layers, inputs);
    }

    private static float[] FakeQuantOutput(OnnxModel model, List<QuantizedLayer> layers, Dictionary<string, Tensor> inputs)
    {
        var g = model.Graph.Clone();
        foreach (var l in layers) g.Initializers[l.Layer.WeightName] = l.Weight.DequantizeTensor();
        var observer = new FakeQuantObserver(layers.Where(l => l.Spec.QuantizesActivations)
            .ToDictionary(l => l.Layer.Name, l => (l.Layer, new ActivationQuantizer(l.Spec, l.InputParams))));
        return new Plan(new OnnxModel { Graph = g }).Run(inputs, observer)["y"].Floats;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Relu")]
    [InlineData("MaxPool")]
    public void Conv_to_conv_carries_u8_and_keeps_the_fake_quant_result(string? between)
    {
        var (model, layers, inputs) = TwoConvs(between);
        var plan = QuantizedPlan.Create(model, layers);
        var carried = Assert.Single(plan.CarriedActivations);
        Assert.Equal("conv1", carried.Producer);
        Assert.Equal(["conv2"], carried.Consumers);
        Assert.Equal(between is null ? [] : new[] { "between" }, carried.Via);

        var real = plan.Plan.Run(inputs)["y"].Floats;
        var fake = FakeQuantOutput(model, layers, inputs);
        double scale = fake.Max(MathF.Abs);
        // The u8 hand-off rounds the same fp32 value the fake-quant path rounds; only a value on a rounding boundary can
        // land one code apart, which moves conv2's outputs by at most a weight row's worth of one step.
        int far = real.Zip(fake).Count(p => Math.Abs(p.First - p.Second) > 1e-4 * scale);
        Assert.True(far <= real.Length / 100, $"{far} of {real.Length} outputs differ by more than 1e-4 of {scale}");
    }

    [Fact]
    public void Nothing_is_carried_to_a_dynamic_consumer()
    {
        var (model, layers, _) = TwoConvs("Relu", Int8Static with { Activations = ActivationMode.Dynamic });
        Assert.Empty(QuantizedPlan.Create(model, layers).CarriedActivations);
    }

    [Fact]
    public void Nothing_is_carried_when_the_value_is_also_a_graph_output()
    {
        var (model, layers, inputs) = TwoConvs(null, firstIsOutput: true);
        var plan = QuantizedPlan.Create(model, layers);
        Assert.Empty(plan.CarriedActivations);
        Assert.Equal(DataType.Float, plan.Plan.Run(inputs)["h"].Type);
    }

    [Fact]
    public void Nothing_is_carried_through_an_operator_that_does_not_commute_with_quantization()
    {
        var (model, layers, _) = TwoConvs("Sigmoid");
        Assert.Empty(QuantizedPlan.Create(model, layers).CarriedActivations);
    }
}
