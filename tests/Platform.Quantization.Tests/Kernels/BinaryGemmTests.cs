using Platform.Quantization.Formats;
using Platform.Quantization.Kernels.Cpu;

namespace Platform.Quantization.Tests.Kernels;

/// <summary>
/// The binary kernels against <see cref="BinaryGemmReference"/>: XNOR exactly (integer count, then the
/// reference's one float expression), BinaryConnect to 1e-5 of α·Σ|a|. Depths 0..300 cross the 8-, 64- and
/// 512-bit boundaries of the padding; 20,000 crosses the popcount kernel's 31-vector byte-overflow chunks.
/// Run again with the hardware intrinsics switched off by <see cref="BinaryPqHardwareVariantsTests"/>.
/// </summary>
public class BinaryGemmTests
{
    internal static float[] Random(int n, int seed, float zeroShare = 0f)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.NextDouble() < zeroShare ? (r.Next(2) == 0 ? 0f : -0f) : (float)(r.NextDouble() * 2 - 1);
        return a;
    }

    /// <summary>Random signs; the bits past K in each row's last byte are set too, which packing must ignore.</summary>
    internal static BinaryQuantizedWeight Weight(int n, int k, int seed)
    {
        var r = new Random(seed);
        int rowBytes = BitPacking.RowBytes(k, 1);
        var signs = new byte[n * rowBytes];
        r.NextBytes(signs);
        var alphas = new float[n];
        for (int i = 0; i < n; i++) alphas[i] = (float)(0.1 + r.NextDouble());
        return new BinaryQuantizedWeight([n, k], 0, signs, alphas);
    }

    private static void Xnor(int m, int n, int k, int threads, bool bias, bool relu, int seed)
    {
        int ldc = n + 3;
        var a = Random(m * (k + 2), seed, 0.05f);
        var w = BinaryPackedWeights.Pack(Weight(n, k, seed + 1));
        var act = BinaryActivations.FromRows(a, m, k, k + 2);
        var b = bias ? Random(n, seed + 2) : null;
        var expected = Random(Math.Max(1, m * ldc), seed + 3);
        var actual = (float[])expected.Clone();
        BinaryGemmReference.MultiplyXnor(act, w, expected, ldc, b, relu);
        BinaryGemm.MultiplyXnor(act, w, actual, ldc, b, relu, threads);
        Assert.Equal(expected, actual);
    }

    private static void Connect(int m, int n, int k, int threads, bool bias, bool relu, int seed)
    {
        int lda = k + 5, ldc = n + 1;
        var a = Random(m * lda, seed);
        var qw = Weight(n, k, seed + 1);
        var w = BinaryPackedWeights.Pack(qw);
        var b = bias ? Random(n, seed + 2) : null;
        var expected = Random(Math.Max(1, m * ldc), seed + 3);
        var actual = (float[])expected.Clone();
        BinaryGemmReference.Multiply(m, a, lda, w, expected, ldc, b, relu);
        BinaryGemm.Multiply(m, a, lda, w, actual, ldc, b, relu, threads);
        for (int i = 0; i < m; i++)
        {
            double magnitude = 0;
            for (int p = 0; p < k; p++) magnitude += Math.Abs(a[i * lda + p]);
            for (int j = 0; j < ldc; j++)
            {
                int at = i * ldc + j;
                if (j >= n) { Assert.Equal(expected[at], actual[at]); continue; }
                double tol = 1e-5 * (qw.Alphas[j] * magnitude + (bias ? Math.Abs(b![j]) : 0)) + 1e-30;
                Assert.True(Math.Abs(expected[at] - actual[at]) <= tol, $"M={m} N={n} K={k} C[{i},{j}]: expected {expected[at]}, got {actual[at]}");
            }
        }
    }

    [Fact]
    public void Xnor_matches_the_reference_exactly_for_every_depth_0_to_300()
    {
        for (int k = 0; k <= 300; k++)
        {
            Xnor(1, 7, k, 1, false, false, k);
            Xnor(k % 4 == 0 ? 0 : 3, 5, k, 1, true, false, k + 1000);
            Xnor(17, 9, k, k % 2 == 0 ? 1 : 3, k % 3 == 0, k % 5 == 0, k + 2000);
        }
    }

    [Fact]
    public void Connect_matches_the_reference_for_every_depth_0_to_300()
    {
        for (int k = 0; k <= 300; k++)
        {
            Connect(1, 7, k, 1, false, false, k);
            Connect(k % 4 == 0 ? 0 : 3, 5, k, 1, true, false, k + 1000);
            Connect(17, 9, k, k % 2 == 0 ? 1 : 3, k % 3 == 0, k % 5 == 0, k + 2000);
        }
    }

    public static IEnumerable<object[]> Shapes()
    {
        foreach (int m in new[] { 0, 1, 3, 17, 70 })
            foreach (int n in new[] { 1, 3, 4, 5, 63, 64, 65, 131 })
                foreach (int threads in new[] { 1, 3 })
                    yield return [m, n, threads];
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Row_and_column_tails_match_the_reference(int m, int n, int threads)
    {
        Xnor(m, n, 130, threads, true, true, m * 1000 + n);
        Connect(m, n, 130, threads, true, true, m * 1000 + n);
    }

    [Theory]
    [InlineData(67, 130, 1100, 1)]
    [InlineData(67, 130, 1100, 3)]
    [InlineData(130, 200, 2048, 3)]
    [InlineData(5, 6, 20_000, 1)]
    [InlineData(9, 70, 20_001, 3)]
    public void Large_shapes_match_the_reference(int m, int n, int k, int threads)
    {
        Xnor(m, n, k, threads, true, false, k);
        Connect(m, n, k, threads, false, true, k);
    }

    [Fact]
    public void Activation_bits_are_the_reference_signs_and_beta_the_mean_magnitude()
    {
        for (int k = 0; k <= 300; k++)
        {
            int m = 3, lda = k + 5;
            var a = Random(m * lda, k, 0.1f);
            if (k > 10) { a[3] = float.NaN; a[4] = -0f; a[5] = 0f; a[6] = float.Epsilon; a[7] = -float.Epsilon; }
            var act = BinaryActivations.FromRows(a, m, k, lda);
            Assert.Equal(m, act.Rows);
            Assert.Equal(k, act.Depth);
            int words = act.WordsPerRow;
            Assert.True(words * 64 >= k && words % 8 == 0);
            for (int i = 0; i < m; i++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float x = a[i * lda + p];
                    sum += Math.Abs(x);
                    bool set = ((act.Bits[i * words + p / 64] >> (p % 64)) & 1) != 0;
                    Assert.True(set == x >= 0f, $"K={k} row {i} element {p} ({x}): bit {(set ? "set" : "clear")}");
                    Assert.Equal(x >= 0f ? 1 : -1, act.Signs[i * k + p]);
                }
                for (int p = k; p < words * 64; p++)
                    Assert.True(((act.Bits[i * words + p / 64] >> (p % 64)) & 1) == 0, $"K={k} row {i}: padding bit {p} is set");
                if (k == 0) Assert.Equal(0f, act.Betas[i]);
                else if (double.IsNaN(sum)) Assert.True(float.IsNaN(act.Betas[i]));
                else Assert.True(Math.Abs(act.Betas[i] - sum / k) <= 1e-6 * (sum / k) + 1e-30, $"K={k} row {i}: β {act.Betas[i]} vs {sum / k}");
            }
        }
    }

    [Fact]
    public void Packed_weight_bits_drop_the_stored_bits_past_the_depth()
    {
        var q = Weight(5, 77, 3);
        var w = BinaryPackedWeights.Pack(q);
        for (int c = 0; c < 5; c++)
        {
            for (int p = 0; p < 77; p++) Assert.Equal(q.Sign(c, p), w.Signs[c * 77 + p]);
            for (int p = 77; p < w.WordsPerRow * 64; p++) Assert.Equal(0UL, (w.Bits[c * w.WordsPerRow + p / 64] >> (p % 64)) & 1);
        }
    }

    [Fact]
    public void Mismatched_depths_and_short_outputs_are_refused()
    {
        var w = BinaryPackedWeights.Pack(Weight(4, 10, 1));
        var act = BinaryActivations.FromRows(new float[2 * 11], 2, 11, 11);
        Assert.Throws<ArgumentException>(() => BinaryGemm.MultiplyXnor(act, w, new float[8], 4));
        var ok = BinaryActivations.FromRows(new float[20], 2, 10, 10);
        Assert.Throws<ArgumentException>(() => BinaryGemm.MultiplyXnor(ok, w, new float[7], 4));
        Assert.Throws<ArgumentException>(() => BinaryGemm.Multiply(2, new float[19], 10, w, new float[8], 4));
        Assert.Throws<ArgumentException>(() => BinaryGemm.Multiply(2, new float[20], 10, w, new float[8], 4, new float[3]));
    }
}
