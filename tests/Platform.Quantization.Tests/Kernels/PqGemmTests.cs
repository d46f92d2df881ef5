using Platform.Quantization.Formats;
using Platform.Quantization.Kernels.Cpu;

namespace Platform.Quantization.Tests.Kernels;

/// <summary>
/// The lookup-table PQ GEMM against <see cref="PqGemmReference"/> (the decompressed product) to 1e-5 of
/// Σ|a·codeword| over the row: depths D·1..D·40 for D in {1, 2, 4, 8, 9, 16}, codebooks of 1..256 codewords,
/// row and channel tails, the shared-table GEMV split and the row split, threads 1 and 3.
/// Run again with the hardware intrinsics switched off by <see cref="BinaryPqHardwareVariantsTests"/>.
/// </summary>
public class PqGemmTests
{
    internal static PqQuantizedWeight Weight(int n, int k, int d, int centroids, int seed)
    {
        var r = new Random(seed);
        var codebook = new float[centroids * d];
        for (int i = 0; i < codebook.Length; i++) codebook[i] = (float)(r.NextDouble() * 2 - 1);
        int per = d == 0 ? 0 : k / d;
        var codes = new byte[n * per];
        for (int i = 0; i < codes.Length; i++) codes[i] = (byte)r.Next(centroids);
        // Every codeword used at least once where there is room, the last one included.
        if (codes.Length > 0) codes[^1] = (byte)(centroids - 1);
        return new PqQuantizedWeight([n, k], 0, centroids, d, codebook, codes, 0, 0);
    }

    private static void Check(int m, int n, int k, int d, int centroids, int threads, bool bias, bool relu, int seed)
    {
        int lda = k + 3, ldc = n + 2;
        var a = BinaryGemmTests.Random(m * lda, seed);
        var q = Weight(n, k, d, centroids, seed + 1);
        var w = PqPackedWeights.Pack(q);
        var b = bias ? BinaryGemmTests.Random(n, seed + 2) : null;
        var expected = BinaryGemmTests.Random(Math.Max(1, m * ldc), seed + 3);
        var actual = (float[])expected.Clone();
        PqGemmReference.Multiply(m, a, lda, w, expected, ldc, b, relu);
        PqGemm.Multiply(m, a, lda, w, actual, ldc, b, relu, threads);
        int per = k / d;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < ldc; j++)
            {
                int at = i * ldc + j;
                if (j >= n) { Assert.Equal(expected[at], actual[at]); continue; }
                double magnitude = bias ? Math.Abs(b![j]) : 0;
                for (int s = 0; s < per; s++)
                    for (int x = 0; x < d; x++) magnitude += Math.Abs(a[i * lda + s * d + x] * q.Codebook[q.Codes[j * per + s] * d + x]);
                Assert.True(Math.Abs(expected[at] - actual[at]) <= 1e-5 * magnitude + 1e-30,
                    $"M={m} N={n} K={k} D={d} codewords={centroids} threads={threads} C[{i},{j}]: expected {expected[at]}, got {actual[at]}");
            }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(16)]
    public void Depths_D_to_40D_match_the_reference(int d)
    {
        int[] rows = [1, 3, 17, 0];
        int[] centroids = [1, 5, 16, 17, 200, 256];
        for (int p = 1; p <= 40; p++)
            Check(rows[p % 4], 1 + p * 7 % 40, d * p, d, centroids[p % 6], p % 2 == 0 ? 1 : 3, p % 3 == 0, p % 5 == 0, p * 100 + d);
    }

    public static IEnumerable<object[]> Shapes()
    {
        foreach (int m in new[] { 0, 1, 3, 17 })
            foreach (int n in new[] { 1, 15, 16, 17, 33, 100 })
                foreach (int threads in new[] { 1, 3 })
                    yield return [m, n, threads];
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Row_and_channel_tails_match_the_reference(int m, int n, int threads)
    {
        Check(m, n, 72, 8, 256, threads, true, true, m * 100 + n);
        Check(m, n, 27, 9, 30, threads, false, false, m * 100 + n + 7);
    }

    [Theory]
    [InlineData(1, 1024, 1024, 8, 1)]
    [InlineData(1, 1000, 4096, 16, 3)]
    [InlineData(2, 300, 1152, 9, 3)]
    [InlineData(20, 300, 576, 4, 3)]
    [InlineData(7, 129, 2048, 1, 1)]
    public void Large_shapes_match_the_reference(int m, int n, int k, int d, int threads) =>
        Check(m, n, k, d, 256, threads, true, false, k + n);

    [Fact]
    public void Codes_past_the_codebook_are_refused_at_pack_time()
    {
        var q = Weight(4, 16, 4, 10, 1);
        q.Codes[5] = 10;
        Assert.Throws<ArgumentException>(() => PqPackedWeights.Pack(q));
    }

    [Fact]
    public void Short_operands_are_refused()
    {
        var w = PqPackedWeights.Pack(Weight(4, 16, 4, 10, 1));
        Assert.Throws<ArgumentException>(() => PqGemm.Multiply(2, new float[31], 16, w, new float[8], 4));
        Assert.Throws<ArgumentException>(() => PqGemm.Multiply(2, new float[32], 16, w, new float[7], 4));
        Assert.Throws<ArgumentException>(() => PqGemm.Multiply(2, new float[32], 16, w, new float[8], 4, new float[3]));
    }
}
