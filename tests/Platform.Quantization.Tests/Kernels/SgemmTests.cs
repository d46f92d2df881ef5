using Platform.Quantization.Kernels.Cpu;

namespace Platform.Quantization.Tests.Kernels;

public class SgemmTests
{
    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
        return a;
    }

    private static void AssertClose(float[] expected, float[] actual, int k)
    {
        Assert.Equal(expected.Length, actual.Length);
        float tol = 1e-5f * (k + 1);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    public static IEnumerable<object[]> Sizes()
    {
        int[][] sizes =
        [
            [0, 5, 3], [5, 0, 3], [4, 6, 0], [1, 1, 1], [1, 37, 5], [37, 1, 5], [3, 5, 7], [8, 32, 16], [9, 33, 17],
            [7, 31, 300], [17, 65, 257], [130, 70, 33], [64, 49, 576], [129, 513, 20], [16, 600, 9],
        ];
        foreach (var s in sizes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    foreach (int threads in new[] { 1, 2 })
                        yield return [s[0], s[1], s[2], ta, tb, threads];
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Matches_the_reference(int m, int n, int k, bool ta, bool tb, int threads)
    {
        int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
        var a = Random(Math.Max(1, (ta ? k : m) * lda), 1);
        var b = Random(Math.Max(1, (tb ? n : k) * ldb), 2);
        var c0 = Random(Math.Max(1, m * ldc), 3);
        var rb = Random(Math.Max(1, m), 4);
        var cb = Random(Math.Max(1, n), 5);
        foreach (var (alpha, beta, useBias, relu) in new[] { (1f, 0f, false, false), (0.5f, 1.5f, true, true), (2f, 1f, false, true) })
        {
            var expected = (float[])c0.Clone();
            var actual = (float[])c0.Clone();
            SgemmReference.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc,
                useBias ? rb.AsSpan(0, m) : default, useBias ? cb.AsSpan(0, n) : default, relu);
            Sgemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, actual, ldc, threads,
                useBias ? rb.AsSpan(0, m) : default, useBias ? cb.AsSpan(0, n) : default, relu);
            AssertClose(expected, actual, k);
        }
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(13, 45, 7, 1)]
    [InlineData(64, 100, 600, 2)]
    [InlineData(200, 33, 300, 2)]
    public void Packed_operands_match_the_reference(int m, int n, int k, int threads)
    {
        var a = Random(m * k, 7);
        var b = Random(k * n, 8);
        var rb = Random(m, 9);
        var expected = new float[m * n];
        SgemmReference.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, expected, n, rb, default, true);

        var left = new float[m * n];
        Sgemm.Multiply(PackedMatrix.PackLeft(a, m, k, k), false, n, 1f, b, n, 0f, left, n, threads, rb, default, true);
        AssertClose(expected, left, k);

        var right = new float[m * n];
        Sgemm.Multiply(false, m, 1f, a, k, PackedMatrix.PackRight(b, k, n, n), 0f, right, n, threads, rb, default, true);
        AssertClose(expected, right, k);

        // Transposed storage packs to the same panels.
        var at = new float[k * m];
        for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) at[p * m + i] = a[i * k + p];
        var tr = new float[m * n];
        Sgemm.Multiply(PackedMatrix.PackLeft(at, m, k, m, transpose: true), false, n, 1f, b, n, 0f, tr, n, threads, rb, default, true);
        AssertClose(expected, tr, k);
    }

    [Fact]
    public void Beta_zero_ignores_garbage_in_C()
    {
        var a = new float[] { 1, 2, 3, 4 };
        var b = new float[] { 5, 6, 7, 8 };
        var c = new float[] { float.NaN, float.NaN, float.NaN, float.NaN };
        Sgemm.Multiply(false, false, 2, 2, 2, 1f, a, 2, b, 2, 0f, c, 2);
        // [1 2;3 4]·[5 6;7 8] = [19 22;43 50]
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c);
    }

    [Fact]
    public void Every_micro_kernel_agrees_with_the_scalar_one()
    {
        var a = Random(Sgemm.MR * 37, 11);
        var b = Random(Sgemm.NR * 37, 12);
        var rb = Random(Sgemm.MR, 13);
        var cb = Random(Sgemm.NR, 14);
        var c0 = Random(Sgemm.MR * Sgemm.NR, 15);
        var expected = (float[])c0.Clone();
        unsafe
        {
            fixed (float* pa = a, pb = b, pr = rb, pc = cb, pe = expected)
            {
                SgemmKernels.TileScalar(37, pa, pb, pe, Sgemm.NR, 0.5f, 2f, pr, pc, true);
                if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
                {
                    var v = (float[])c0.Clone();
                    fixed (float* pv = v) SgemmKernels.Tile256(37, pa, pb, pv, Sgemm.NR, 0.5f, 2f, pr, pc, true);
                    AssertClose(expected, v, 37);
                }
                if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
                {
                    var v = (float[])c0.Clone();
                    fixed (float* pv = v) SgemmKernels.Tile512(37, pa, pb, pv, Sgemm.NR, 0.5f, 2f, pr, pc, true);
                    AssertClose(expected, v, 37);
                }
            }
        }
    }
}
