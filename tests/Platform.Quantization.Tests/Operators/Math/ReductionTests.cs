using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;
using static Platform.Quantization.Tests.Operators.MathOperators.MathOps;

namespace Platform.Quantization.Tests.Operators.MathOperators;

public class ReductionTests
{
    // [2,3]: (1 2 3 / 4 5 6)
    private static Tensor M() => F([1, 2, 3, 4, 5, 6], 2, 3);

    [Fact]
    public void ReduceMean_axes_attribute_before_opset_18_keeps_dims()
    {
        var r = Run("ReduceMean", [M()], opset: 13, attributes: NodeAttribute.Of("axes", new long[] { 1 }))[0];
        Assert.Equal([2, 1], r.Shape);
        Assert.Equal([2f, 5], r.Floats);
        var cols = Run("ReduceMean", [M()], opset: 13, attributes: [NodeAttribute.Of("axes", new long[] { -2 }), NodeAttribute.Of("keepdims", 0L)])[0];
        Assert.Equal([3], cols.Shape);
        Assert.Equal([2.5f, 3.5f, 4.5f], cols.Floats);
    }

    [Fact]
    public void ReduceMean_axes_input_from_opset_18()
    {
        var r = Run("ReduceMean", [M(), Tensor.FromArray(new long[] { 0 }, 1)], opset: 18, attributes: NodeAttribute.Of("keepdims", 0L))[0];
        Assert.Equal([3], r.Shape);
        Assert.Equal([2.5f, 3.5f, 4.5f], r.Floats);
        var all = Run("ReduceMean", [M()], opset: 18)[0];
        Assert.Equal([1, 1], all.Shape);
        Assert.Equal(3.5f, all.Floats[0]);
    }

    [Fact]
    public void ReduceSum_takes_axes_as_input_from_opset_13_and_noop_returns_the_input()
    {
        var r = Run("ReduceSum", [M(), Tensor.FromArray(new long[] { 1 }, 1)], opset: 13, attributes: NodeAttribute.Of("keepdims", 0L))[0];
        Assert.Equal([6f, 15], r.Floats);
        var noop = Run("ReduceSum", [M(), Tensor.FromArray(Array.Empty<long>(), 0)], opset: 13, attributes: NodeAttribute.Of("noop_with_empty_axes", 1L))[0];
        Assert.Equal([2, 3], noop.Shape);
        Assert.Equal(M().Floats, noop.Floats);
        var old = Run("ReduceSum", [M()], opset: 11, attributes: NodeAttribute.Of("axes", new long[] { 0 }))[0];
        Assert.Equal([1, 3], old.Shape);
        Assert.Equal([5f, 7, 9], old.Floats);
    }

    [Fact]
    public void Other_reductions_over_rows()
    {
        var axes = NodeAttribute.Of("axes", new long[] { 1 });
        var keep = NodeAttribute.Of("keepdims", 0L);
        Assert.Equal([3f, 6], Run("ReduceMax", [M()], opset: 13, attributes: [axes, keep])[0].Floats);
        Assert.Equal([1f, 4], Run("ReduceMin", [M()], opset: 13, attributes: [axes, keep])[0].Floats);
        Assert.Equal([6f, 120], Run("ReduceProd", [M()], opset: 13, attributes: [axes, keep])[0].Floats);
        Assert.Equal([14f, 77], Run("ReduceSumSquare", [M()], opset: 13, attributes: [axes, keep])[0].Floats);
        var l2 = Run("ReduceL2", [M()], opset: 13, attributes: [axes, keep])[0].Floats;
        Assert.Equal(Math.Sqrt(14), l2[0], 1e-6);
        Assert.Equal(Math.Sqrt(77), l2[1], 1e-5);
    }

    [Fact]
    public void Integer_reduction_keeps_the_type()
    {
        var r = Run("ReduceSum", [Tensor.FromArray(new long[] { 1, 2, 3, 4 }, 2, 2), Tensor.FromArray(new long[] { 0 }, 1)], opset: 13)[0];
        Assert.Equal(DataType.Int64, r.Type);
        Assert.Equal(new long[] { 4, 6 }, r.As<long>());
    }

    [Fact]
    public void ArgMax_picks_first_or_last_of_ties()
    {
        var x = F([1, 3, 3, 0, 2, 2], 2, 3);
        var first = Run("ArgMax", [x], attributes: NodeAttribute.Of("axis", 1L))[0];
        Assert.Equal([2, 1], first.Shape);
        Assert.Equal(new long[] { 1, 1 }, first.As<long>());
        var last = Run("ArgMax", [x], attributes: [NodeAttribute.Of("axis", 1L), NodeAttribute.Of("select_last_index", 1L), NodeAttribute.Of("keepdims", 0L)])[0];
        Assert.Equal([2], last.Shape);
        Assert.Equal(new long[] { 2, 2 }, last.As<long>());
        var min = Run("ArgMin", [x])[0];
        Assert.Equal(new long[] { 1, 1, 1 }, min.As<long>());
    }
}
