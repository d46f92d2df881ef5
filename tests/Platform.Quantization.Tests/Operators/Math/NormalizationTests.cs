using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;
using static Platform.Quantization.Tests.Operators.MathOperators.MathOps;

namespace Platform.Quantization.Tests.Operators.MathOperators;

public class NormalizationTests
{
    private static readonly float[] Cube = [0, 1, 2, 3, 4, 5, 6, 7];

    [Fact]
    public void Softmax_before_opset_13_normalises_the_flattened_tail()
    {
        // [2,2,2] at axis 1 is a [2,4] matrix: each row of four sums to one.
        var r = Run("Softmax", [F(Cube, 2, 2, 2)], opset: 11)[0].Floats;
        double z = Math.Exp(0) + Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(Math.Exp(i) / z, r[i], 1e-6);
            Assert.Equal(Math.Exp(i) / z, r[4 + i], 1e-6);
        }
    }

    [Fact]
    public void Softmax_from_opset_13_runs_along_one_axis()
    {
        var last = Run("Softmax", [F(Cube, 2, 2, 2)], opset: 13)[0].Floats;
        double p = 1 / (1 + Math.E); // softmax of (k, k+1)
        for (int i = 0; i < 8; i += 2)
        {
            Assert.Equal(p, last[i], 1e-6);
            Assert.Equal(1 - p, last[i + 1], 1e-6);
        }
        // axis 1 pairs elements two apart: (0,2), (1,3), (4,6), (5,7)
        var mid = Run("Softmax", [F(Cube, 2, 2, 2)], opset: 13, attributes: NodeAttribute.Of("axis", 1L))[0].Floats;
        double q = 1 / (1 + Math.Exp(2));
        Assert.Equal([q, q, 1 - q, 1 - q, q, q, 1 - q, 1 - q], mid.Select(v => (double)v).ToArray(), new Tol(1e-6));
    }

    [Fact]
    public void LogSoftmax_is_stable_for_large_inputs()
    {
        var r = Run("LogSoftmax", [F([1000, 1001], 1, 2)], opset: 13)[0].Floats;
        Assert.Equal(-Math.Log(1 + Math.E), r[0], 1e-5);
        Assert.Equal(-Math.Log(1 + 1 / Math.E), r[1], 1e-5);
    }

    [Fact]
    public void LayerNormalization_normalises_the_last_axis_and_returns_statistics()
    {
        // rows (1,2,3) and (2,4,6): mean 2 and 4, variance 2/3 and 8/3
        var x = F([1, 2, 3, 2, 4, 6], 2, 3);
        var outs = Run("LayerNormalization", [x, F([1, 2, 1], 3), F([0, 0, 1], 3)], opset: 17,
            attributes: NodeAttribute.Of("epsilon", 0f));
        double s1 = Math.Sqrt(2.0 / 3), s2 = Math.Sqrt(8.0 / 3);
        double[] expected = [-1 / s1, 0, 1 / s1 + 1, -2 / s2, 0, 2 / s2 + 1];
        Assert.Equal(expected, outs[0].Floats.Select(v => (double)v).ToArray(), new Tol(1e-5));
        Assert.Equal([2, 1], outs[1].Shape);
        Assert.Equal([2f, 4], outs[1].Floats);
        Assert.Equal(1 / s1, outs[2].Floats[0], 1e-5);
        Assert.Equal(1 / s2, outs[2].Floats[1], 1e-5);
    }

    [Fact]
    public void LayerNormalization_axis_covers_all_trailing_dims()
    {
        var x = F([1, 2, 3, 4], 1, 2, 2);
        var outs = Run("LayerNormalization", [x, F([1, 1, 1, 1], 2, 2)], opset: 17,
            attributes: [NodeAttribute.Of("axis", 1L), NodeAttribute.Of("epsilon", 0f)]);
        double sd = Math.Sqrt(1.25);
        Assert.Equal([-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd], outs[0].Floats.Select(v => (double)v).ToArray(), new Tol(1e-5));
        Assert.Equal([1, 1, 1], outs[1].Shape);
    }

    private sealed class Tol(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(double v) => 0;
    }
}
