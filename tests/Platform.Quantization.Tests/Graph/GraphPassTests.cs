using Platform.Quantization.Graph;
using Platform.Quantization.Graph.Passes;
using Platform.Quantization.Onnx;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;
using Platform.Quantization.Tests.RealModels;

namespace Platform.Quantization.Tests.Graph;

public class GraphPassTests
{
    [Fact]
    public void Batch_norm_folds_into_a_1x1_conv_as_computed_by_hand()
    {
        // y = γ·(w·x + b − μ)/√(σ²+ε) + β with w=2, b=1, γ=3, β=0.5, μ=1, σ²=3, ε=1 → w' = 3, b' = 0.5
        var g = new ModelGraph
        {
            Inputs = { new ValueInfo { Name = "x" } },
            Outputs = { new ValueInfo { Name = "y" } },
            Initializers =
            {
                ["w"] = Tensor.FromArray(new[] { 2f }, 1, 1, 1, 1), ["b"] = Tensor.FromArray(new[] { 1f }, 1),
                ["gamma"] = Tensor.FromArray(new[] { 3f }, 1), ["beta"] = Tensor.FromArray(new[] { 0.5f }, 1),
                ["mean"] = Tensor.FromArray(new[] { 1f }, 1), ["var"] = Tensor.FromArray(new[] { 3f }, 1),
            },
            Nodes =
            {
                new Node { OpType = "Conv", Inputs = { "x", "w", "b" }, Outputs = { "c" } },
                new Node { OpType = "BatchNormalization", Inputs = { "c", "gamma", "beta", "mean", "var" }, Outputs = { "y" },
                    Attributes = { ["epsilon"] = NodeAttribute.Of("epsilon", 1f) } },
            },
        };
        Assert.Equal(1, BatchNormFolding.Apply(g));
        var conv = Assert.Single(g.Nodes);
        Assert.Equal("y", conv.Outputs[0]);
        Assert.Equal([3f], g.Initializers[conv.Inputs[1]].Floats);
        Assert.Equal([0.5f], g.Initializers[conv.Inputs[2]].Floats);
        Assert.DoesNotContain("gamma", g.Initializers.Keys);
    }

    [Fact]
    public void Folding_the_fashion_cnn_keeps_its_outputs()
    {
        var original = OnnxModelReader.Read(TestPaths.Model("fashion_cnn_bn.onnx"));
        var prepared = PreparedModel.Prepare(original);
        Assert.Equal(2, prepared.FoldedBatchNorms);
        Assert.DoesNotContain(prepared.Model.Graph.Nodes, n => n.OpType == "BatchNormalization");
        Assert.Equal(4, prepared.Layers.Count);
        Assert.True(prepared.Layers[0].IsFirst && prepared.Layers[^1].IsLast);

        var x = OrtEqualityTests.Uniform([4, 1, 28, 28], 0, 1, seed: 3);
        var a = new Plan(original).Run(new Dictionary<string, Tensor> { ["x"] = x })["logits"].Floats;
        var b = new Plan(prepared.Model).Run(new Dictionary<string, Tensor> { ["x"] = x })["logits"].Floats;
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 3e-4f);
    }

    [Fact]
    public void Constant_nodes_become_initializers_and_their_weights_layers()
    {
        var g = new ModelGraph
        {
            Inputs = { new ValueInfo { Name = "x" } },
            Outputs = { new ValueInfo { Name = "y" } },
            Nodes =
            {
                new Node { OpType = "Constant", Outputs = { "w" }, Attributes = { ["value"] = NodeAttribute.Of("value", Tensor.FromArray(new float[6], 3, 2)) } },
                new Node { OpType = "MatMul", Inputs = { "x", "w" }, Outputs = { "y" } },
            },
        };
        Assert.Empty(LayerDiscovery.Find(g));
        Assert.Equal(1, ConstantsToInitializers.Apply(g));
        var layer = Assert.Single(LayerDiscovery.Find(g));
        Assert.Equal("w", layer.WeightName);
        Assert.Equal(1, layer.OutputAxis);
        Assert.Equal("MatMul_0", layer.Name);
    }
}
