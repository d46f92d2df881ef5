using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;

namespace Platform.Quantization.Tests.Runtime;

public class PlanTests
{
    [Fact]
    public void Unknown_operators_are_reported_by_name_and_count()
    {
        var g = new ModelGraph
        {
            Inputs = { new ValueInfo { Name = "x" } },
            Outputs = { new ValueInfo { Name = "z" } },
            Nodes =
            {
                new Node { OpType = "NoSuchOp", Inputs = { "x" }, Outputs = { "y" } },
                new Node { OpType = "NoSuchOp", Inputs = { "y" }, Outputs = { "y2" } },
                new Node { OpType = "Frobnicate", Domain = "com.example", Inputs = { "y2" }, Outputs = { "z" } },
            },
        };
        var e = Assert.Throws<UnsupportedOperatorException>(() => new Plan(new OnnxModel { Graph = g }));
        Assert.Equal(2, e.Operators["NoSuchOp"]);
        Assert.Equal(1, e.Operators["com.example.Frobnicate"]);
        Assert.Contains("NoSuchOp (2 nodes)", e.Message);
    }

    [Fact]
    public void A_cycle_is_an_invalid_model()
    {
        var g = new ModelGraph
        {
            Outputs = { new ValueInfo { Name = "a" } },
            Nodes =
            {
                new Node { OpType = "Relu", Inputs = { "b" }, Outputs = { "a" } },
                new Node { OpType = "Relu", Inputs = { "a" }, Outputs = { "b" } },
            },
        };
        Assert.Throws<InvalidModelException>(() => Plan.TopologicalOrder(g));
    }

    [Fact]
    public void A_node_reading_a_value_nobody_provides_is_an_invalid_model()
    {
        var g = new ModelGraph
        {
            Inputs = { new ValueInfo { Name = "x" } },
            Outputs = { new ValueInfo { Name = "y" } },
            Nodes = { new Node { Name = "r", OpType = "Relu", Inputs = { "ghost" }, Outputs = { "y" } } },
        };
        var e = Assert.Throws<InvalidModelException>(() => new Plan(new OnnxModel { Graph = g }));
        Assert.Contains("'ghost'", e.Message);
        Assert.Contains("Relu 'r'", e.Message);
    }
}
