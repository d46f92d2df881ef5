using Platform.Quantization.Operators.MathOperators;
using Platform.Quantization.Tensors;
using static Platform.Quantization.Tests.Operators.MathOperators.MathOps;

namespace Platform.Quantization.Tests.Operators.MathOperators;

public class BroadcastingTests
{
    [Fact]
    public void Row_vector_is_added_to_every_row()
    {
        var r = Run1("Add", F([1, 2, 3, 4, 5, 6], 2, 3), F([10, 20, 30], 3));
        Assert.Equal([2, 3], r.Shape);
        Assert.Equal([11f, 22, 33, 14, 25, 36], r.Floats);
    }

    [Fact]
    public void Scalar_on_the_left_keeps_operand_order()
    {
        var r = Run1("Sub", Tensor.Scalar(10f), F([1, 2, 3], 3));
        Assert.Equal([9f, 8, 7], r.Floats);
        var d = Run1("Div", F([2, 4, 8], 3), F([2], 1));
        Assert.Equal([1f, 2, 4], d.Floats);
    }

    [Fact]
    public void Both_operands_broadcast_to_an_outer_product()
    {
        // [2,1] * [1,3] -> [2,3]
        var r = Run1("Mul", F([2, 3], 2, 1), F([1, 10, 100], 1, 3));
        Assert.Equal([2, 3], r.Shape);
        Assert.Equal([2f, 20, 200, 3, 30, 300], r.Floats);
    }

    [Fact]
    public void Channel_bias_broadcasts_over_batch_and_space()
    {
        // x[n,c,h,w] = 100n + 10c + (h*2+w); bias[c] = c+1 as [1,3,1,1]
        var x = new float[2 * 3 * 2 * 2];
        for (int n = 0; n < 2; n++) for (int c = 0; c < 3; c++) for (int s = 0; s < 4; s++) x[((n * 3) + c) * 4 + s] = 100 * n + 10 * c + s;
        var r = Run1("Add", F(x, 2, 3, 2, 2), F([1, 2, 3], 1, 3, 1, 1));
        for (int n = 0; n < 2; n++) for (int c = 0; c < 3; c++) for (int s = 0; s < 4; s++)
            Assert.Equal(100 * n + 10 * c + s + c + 1, r.Floats[((n * 3) + c) * 4 + s]);
    }

    [Fact]
    public void Middle_dim_broadcast_uses_the_strided_path()
    {
        // [2,1,2] + [2,3,1] -> [2,3,2]: a[i,0,k] + b[i,j,0]
        var r = Run1("Add", F([1, 2, 3, 4], 2, 1, 2), F([10, 20, 30, 40, 50, 60], 2, 3, 1));
        Assert.Equal([2, 3, 2], r.Shape);
        Assert.Equal([11f, 12, 21, 22, 31, 32, 43, 44, 53, 54, 63, 64], r.Floats);
    }

    [Fact]
    public void Layout_collapses_a_bias_to_one_inner_run()
    {
        var l = new BroadcastLayout([4, 8, 16], [16]);
        Assert.Equal([32, 16], l.Dims);
        Assert.Equal([16, 1], l.Strides[0]);
        Assert.Equal([0, 1], l.Strides[1]);
        var same = new BroadcastLayout([4, 8, 16], [4, 8, 16]);
        Assert.Equal([512], same.Dims);
    }

    [Fact]
    public void Incompatible_shapes_name_both_shapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Run1("Add", F([1, 2, 3], 3), F([1, 2], 2)));
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[2]", e.Message);
    }

    [Fact]
    public void Large_parallel_add_matches_elementwise_sums()
    {
        int n = 300_001;
        var a = new float[n];
        var b = new float[n];
        for (int i = 0; i < n; i++) { a[i] = i * 0.5f; b[i] = (i % 7) - 3; }
        var r = MathOps.Run("Add", [F(a, n), F(b, n)], threads: 2)[0].Floats;
        for (int i = 0; i < n; i++) Assert.Equal(a[i] + b[i], r[i]);
        var rb = MathOps.Run("Mul", [F(a, 1, n), F([2], 1)], threads: 2)[0].Floats;
        for (int i = 0; i < n; i++) Assert.Equal(a[i] * 2, rb[i]);
    }

    [Fact]
    public void Unsigned_bytes_stay_unsigned()
    {
        var r = Run1("Add", Tensor.FromArray(new byte[] { 200, 100 }, 2), Tensor.FromArray(new byte[] { 100, 100 }, 2));
        Assert.Equal(DataType.UInt8, r.Type);
        Assert.Equal(new byte[] { 44, 200 }, r.As<byte>());
    }

    [Fact]
    public void Where_broadcasts_three_ways()
    {
        var c = Tensor.FromArray(new[] { true, false }, 1, 2);
        var r = Run1("Where", c, F([1, 2, 3], 3, 1), Tensor.Scalar(-1f));
        Assert.Equal([3, 2], r.Shape);
        Assert.Equal([1f, -1, 2, -1, 3, -1], r.Floats);
    }

    [Fact]
    public void Comparisons_give_bool_and_nan_compares_false()
    {
        var a = F([1, 2, float.NaN], 3);
        var b = F([2, 2, float.NaN], 3);
        Assert.Equal(new[] { true, false, false }, Run1("Less", a, b).As<bool>());
        Assert.Equal(new[] { true, true, false }, Run1("LessOrEqual", a, b).As<bool>());
        Assert.Equal(new[] { false, true, false }, Run1("Equal", a, b).As<bool>());
        Assert.Equal(new[] { false, false, false }, Run1("Greater", a, b).As<bool>());
    }

    [Fact]
    public void Variadic_max_and_mean_fold_all_inputs()
    {
        var max = Run1("Max", F([1, 5], 2), F([3], 1), F([2, 2], 2));
        Assert.Equal([3f, 5], max.Floats);
        var mean = Run1("Mean", F([1, 2], 2), F([3, 4], 2), F([5, 9], 2));
        Assert.Equal([3f, 5], mean.Floats);
    }

    [Fact]
    public void Mod_takes_the_divisor_sign_unless_fmod()
    {
        var a = Tensor.FromArray(new[] { -7, 7, -7, 7 }, 4);
        var b = Tensor.FromArray(new[] { 3, -3, -3, 3 }, 4);
        Assert.Equal(new[] { 2, -2, -1, 1 }, Run1("Mod", a, b).As<int>());
        var f = MathOps.Run("Mod", [a, b], attributes: Platform.Quantization.Graph.NodeAttribute.Of("fmod", 1L))[0];
        Assert.Equal(new[] { -1, 1, -1, 1 }, f.As<int>());
    }

    [Fact]
    public void Pow_keeps_the_base_type_with_another_exponent_type()
    {
        var r = Run1("Pow", Tensor.FromArray(new[] { 2, 3 }, 2), F([2, 0.5f], 2));
        Assert.Equal(DataType.Int32, r.Type);
        Assert.Equal(new[] { 4, 1 }, r.As<int>());
        Assert.Equal([9f, 0.25f], Run1("Pow", F([3, -0.5f], 2), Tensor.Scalar(2f)).Floats);
    }

    [Fact]
    public void PRelu_slope_broadcasts_per_channel()
    {
        var r = Run1("PRelu", F([-1, 2, -3, 4], 1, 2, 2), F([0.5f, 0.25f], 2, 1));
        Assert.Equal([-0.5f, 2, -0.75f, 4], r.Floats);
    }
}
