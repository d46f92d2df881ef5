using Platform.Quantization.Tensors;
using static Platform.Quantization.Tests.Operators.Nn.NnTestHelpers;

namespace Platform.Quantization.Tests.Operators.Nn;

public class MatMulGemmTests
{
    private static float[] Naive(float[] a, float[] b, int m, int n, int k)
    {
        var c = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)a[i * k + p] * b[p * n + j];
                c[i * n + j] = (float)s;
            }
        return c;
    }

    [Fact]
    public void One_d_operands_are_promoted_and_the_promoted_dim_removed()
    {
        var v = Tensor.FromArray(new float[] { 1, 2 }, 2);
        var m = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var vm = Run("MatMul", [v, m])[0];   // [1,2]·[[1,2],[3,4]] = [7,10]
        Assert.Equal(new[] { 2 }, vm.Shape);
        Assert.Equal(new float[] { 7, 10 }, vm.Floats);
        var mv = Run("MatMul", [m, v])[0];   // [[1,2],[3,4]]·[1,2] = [5,11]
        Assert.Equal(new[] { 2 }, mv.Shape);
        Assert.Equal(new float[] { 5, 11 }, mv.Floats);
        var dot = Run("MatMul", [v, v])[0];
        Assert.Empty(dot.Shape);
        Assert.Equal(5f, dot.Floats[0]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Batched_weight_case_and_broadcast_batches(int threads)
    {
        // BERT shape: [B,S,K]·[K,N] — one GEMM; run it three times so the weight gets packed and reused.
        var a = Tensor.FromArray(Random(2 * 5 * 33, 1), 2, 5, 33);
        var w = Tensor.FromArray(Random(33 * 40, 2), 33, 40);
        var want = Naive(a.Floats, w.Floats, 10, 40, 33);
        for (int rep = 0; rep < 3; rep++)
        {
            var y = Run("MatMul", [a, w], threads)[0];
            Assert.Equal(new[] { 2, 5, 40 }, y.Shape);
            AssertClose(want, y.Floats);
        }

        // [3,1,4,6]·[2,6,7] → [3,2,4,7]; batch (i,j) uses a[i] and b[j].
        var x = Tensor.FromArray(Random(3 * 4 * 6, 3), 3, 1, 4, 6);
        var z = Tensor.FromArray(Random(2 * 6 * 7, 4), 2, 6, 7);
        var r = Run("MatMul", [x, z], threads)[0];
        Assert.Equal(new[] { 3, 2, 4, 7 }, r.Shape);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 2; j++)
                AssertClose(Naive(x.Floats[(i * 24)..(i * 24 + 24)], z.Floats[(j * 42)..(j * 42 + 42)], 4, 7, 6), r.Floats[((i * 2 + j) * 28)..((i * 2 + j) * 28 + 28)]);
    }

    [Fact]
    public void Gemm_transposes_scales_and_broadcasts_C()
    {
        // A stored transposed [K=2, M=2] = [[1,3],[2,4]] → A = [[1,2],[3,4]]; B = I; alpha 2, beta 0.5, C = [10, 20] per column.
        var at = Tensor.FromArray(new float[] { 1, 3, 2, 4 }, 2, 2);
        var b = Tensor.FromArray(new float[] { 1, 0, 0, 1 }, 2, 2);
        var c = Tensor.FromArray(new float[] { 10, 20 }, 2);
        var y = Run("Gemm", [at, b, c], 1, Int("transA", 1), NodeAttributeFloat("alpha", 2f), NodeAttributeFloat("beta", 0.5f))[0];
        Assert.Equal(new float[] { 2 + 5, 4 + 10, 6 + 5, 8 + 10 }, y.Floats);
        // C as a column [M,1]: added per row.
        var col = Tensor.FromArray(new float[] { 1, 2 }, 2, 1);
        var y2 = Run("Gemm", [at, b, col], 1, Int("transA", 1), Int("transB", 1))[0];
        Assert.Equal(new float[] { 2, 3, 5, 6 }, y2.Floats);
    }

    private static Platform.Quantization.Graph.NodeAttribute NodeAttributeFloat(string name, float v) => Platform.Quantization.Graph.NodeAttribute.Of(name, v);

    [Fact]
    public void Batch_normalization_uses_the_given_statistics()
    {
        // Channel 0: (x − 1)/√(4 + 0) · 2 + 3; channel 1: (x − 0)/√(1) · 1 + 0.
        var x = Tensor.FromArray(new float[] { 1, 3, 5, 7 }, 1, 2, 2, 1);
        var y = Run("BatchNormalization", [x, Tensor.FromArray(new float[] { 2, 1 }, 2), Tensor.FromArray(new float[] { 3, 0 }, 2),
            Tensor.FromArray(new float[] { 1, 0 }, 2), Tensor.FromArray(new float[] { 4, 1 }, 2)], 1, NodeAttributeFloat("epsilon", 0f))[0];
        Assert.Equal(new float[] { 3, 5, 5, 7 }, y.Floats);
    }

    [Fact]
    public void Conv_transpose_stride_2_scatters_and_adds()
    {
        // 1-D: x = [1, 2], kernel [1, 1, 1], stride 2: out[0..4] = [1, 1, 1+2, 2, 2].
        var x = Tensor.FromArray(new float[] { 1, 2 }, 1, 1, 2);
        var w = Tensor.FromArray(new float[] { 1, 1, 1 }, 1, 1, 3);
        var y = Run("ConvTranspose", [x, w], 1, Ints("strides", 2))[0];
        Assert.Equal(new float[] { 1, 1, 3, 2, 2 }, y.Floats);
        // pads [1,1] crop one from each end; output_padding 1 adds one at the end.
        Assert.Equal(new float[] { 1, 3, 2 }, Run("ConvTranspose", [x, w], 1, Ints("strides", 2), Ints("pads", 1, 1))[0].Floats);
        Assert.Equal(new float[] { 1, 1, 3, 2, 2, 0 }, Run("ConvTranspose", [x, w], 1, Ints("strides", 2), Ints("output_padding", 1))[0].Floats);
    }
}
