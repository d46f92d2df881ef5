using Platform.Quantization.Formats;
using Platform.Quantization.Kernels.Cpu;
using Platform.Quantization.Specs;

namespace Platform.Quantization.Tests.Kernels;

/// <summary>
/// Every <see cref="Int4Gemm"/> path against <see cref="Int4GemmReference"/>: shapes with every tail (M, N around the
/// 16-channel panel, K around octets and groups), all granularities, symmetric and asymmetric, 1 and 3 threads.
/// The u8 path is also forced onto its portable kernels, the fp32 path onto scalar dequantization; the whole class runs
/// again without AVX-512 and without any intrinsics (<see cref="Int4HardwareVariantsTests"/>).
/// </summary>
public class Int4GemmTests
{
    private static float[] Random(int n, int seed, float scale = 1f)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1) * scale;
        return a;
    }

    /// <summary>The default choice plus every u8 path this machine (or this run's DOTNET_Enable* settings) supports.</summary>
    private static IEnumerable<Int4Kernels.IntegerPath?> Paths()
    {
        yield return null;
        yield return Int4Kernels.IntegerPath.Portable;
        if (System.Runtime.Intrinsics.X86.AvxVnni.IsSupported) yield return Int4Kernels.IntegerPath.Vnni;
        if (System.Runtime.Intrinsics.X86.Avx512BW.IsSupported) yield return Int4Kernels.IntegerPath.Avx512BW;
    }

    private static Granularity Gran(int g) => g switch { 0 => Granularity.PerTensor, -1 => Granularity.PerChannel, _ => Granularity.PerGroup(g) };

    private static AffineQuantizedWeight Weight(int n, int k, int group, bool symmetric, int seed)
    {
        // Channels with different ranges so per-channel and per-group scales differ from the per-tensor one.
        var w = Random(n * k, seed);
        for (int c = 0; c < n; c++)
            for (int x = 0; x < k; x++) w[c * k + x] *= 1 + c % 5 + (x / 37) % 3;
        if (!symmetric) for (int i = 0; i < w.Length; i++) w[i] += 0.7f;
        return AffineQuantizer.Quantize(w, [n, k], 0, 4, symmetric, Gran(group));
    }

    /// <summary>|actual − expected| within 1e-5 of Σ|terms| (the scale of rounding error for any summation order).</summary>
    private static void AssertClose(float[] expected, float[] actual, float[] magnitude, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float tol = 1e-5f * magnitude[i] + 1e-30f;
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"{what}: element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tol})");
        }
    }

    private static float[] Dequantized(AffineQuantizedWeight w)
    {
        var rows = new float[w.Channels * w.RowLength];
        w.DequantizeRows(rows);
        return rows;
    }

    private static float[] FloatMagnitude(int m, int n, int k, float[] a, int lda, float[] wq, float[]? bias)
    {
        var s = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double t = bias is null ? 0 : Math.Abs(bias[j]);
                for (int p = 0; p < k; p++) t += Math.Abs(a[i * lda + p] * wq[j * k + p]);
                s[i * n + j] = (float)t;
            }
        return s;
    }

    private static float[] IntegerMagnitude(int m, int n, int k, byte[] a, int lda, float[] rowScales, int[] rowZeros, AffineQuantizedWeight w, float[]? bias)
    {
        var s = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double t = bias is null ? 0 : Math.Abs(bias[j]);
                for (int p = 0; p < k; p++)
                {
                    var qp = w.Params(j, p);
                    t += Math.Abs((a[i * lda + p] - rowZeros[i]) * (w.Code(j, p) - qp.ZeroPoint) * (double)rowScales[i] * qp.Scale);
                }
                s[i * n + j] = (float)t;
            }
        return s;
    }

    public static IEnumerable<object[]> Shapes()
    {
        int[] ms = [0, 1, 2, 7, 64];
        int[][] nk = [[1, 1], [15, 7], [16, 8], [17, 9], [33, 31], [16, 64], [31, 100], [17, 129], [5, 257], [33, 300], [3, 0], [0, 40]];
        int[] groups = [32, 64, 128, -1, 0];
        int seed = 0;
        foreach (int m in ms)
            foreach (var s in nk)
                foreach (int g in groups)
                {
                    seed++;
                    if (m == 64 && seed % 3 != 0) continue; // the big row count on a third of the shapes keeps the sweep short
                    yield return [m, s[0], s[1], g, seed % 2 == 0, seed % 4 < 2 ? 1 : 3];
                }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float_activations_match_the_reference(int m, int n, int k, int group, bool symmetric, int threads)
    {
        var w = Weight(n, k, group, symmetric, n * 31 + k);
        var packed = Int4PackedWeights.Pack(w);
        int lda = k + 3, ldc = n + 2;
        var a = Random(Math.Max(0, m * lda), 7 + k);
        var bias = Random(n, 3);
        bool relu = (n + k) % 2 == 0;
        var expected = new float[m * ldc];
        var actual = new float[m * ldc];
        Int4GemmReference.Multiply(m, a, lda, packed, expected, ldc, bias, relu);
        var magnitude = FloatMagnitude(m, n, k, a, lda, Dequantized(w), bias);
        var mag = new float[m * ldc];
        for (int i = 0; i < m; i++) Array.Copy(magnitude, i * n, mag, i * ldc, n);
        foreach (bool scalarDequant in new[] { false, true })
        {
            Int4Kernels.ForceScalarDequant = scalarDequant;
            try
            {
                Array.Fill(actual, float.NaN);
                for (int i = 0; i < m; i++) for (int j = n; j < ldc; j++) actual[i * ldc + j] = expected[i * ldc + j] = 0;
                Int4Gemm.Multiply(m, a, lda, packed, actual, ldc, bias, relu, threads);
                AssertClose(expected, actual, mag, $"fp32 A, scalar dequantization {scalarDequant}");
            }
            finally { Int4Kernels.ForceScalarDequant = false; }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Quantized_activations_match_the_reference(int m, int n, int k, int group, bool symmetric, int threads)
    {
        var w = Weight(n, k, group, symmetric, n * 17 + k);
        var packed = Int4PackedWeights.Pack(w);
        int lda = k + 5, ldc = n + 1;
        var r = new Random(m * 1000 + k);
        var a = new byte[Math.Max(0, m * lda)];
        r.NextBytes(a);
        var scales = Enumerable.Range(0, m).Select(i => 0.01f + 0.003f * i).ToArray();
        var zeros = Enumerable.Range(0, m).Select(i => (i * 37) % 256).ToArray();
        var bias = n % 2 == 0 ? null : Random(n, 5);
        bool relu = k % 2 == 0;
        var expected = new float[m * ldc];
        Int4GemmReference.Multiply(m, a, lda, scales, zeros, packed, expected, ldc, bias, relu);
        var magnitude = IntegerMagnitude(m, n, k, a, lda, scales, zeros, w, bias);
        var mag = new float[m * ldc];
        for (int i = 0; i < m; i++) Array.Copy(magnitude, i * n, mag, i * ldc, n);
        foreach (var path in Paths())
        {
            Int4Kernels.ForcedPath = path;
            try
            {
                var actual = new float[m * ldc];
                Int4Gemm.Multiply(m, a, lda, scales, zeros, packed, actual, ldc, bias, relu, threads);
                AssertClose(expected, actual, mag, $"u8 A, path {path?.ToString() ?? "default"}");
            }
            finally { Int4Kernels.ForcedPath = null; }
        }
    }

    /// <summary>
    /// Unit scales and integer zero points keep every fp32 step exact, so the integer paths must give the reference's
    /// sums bit for bit: a lost or doubled octet, a wrong nibble or zero point shows as an integer difference.
    /// </summary>
    [Theory]
    [InlineData(1, 33, 300, 32, false)]
    [InlineData(7, 17, 257, 64, true)]
    [InlineData(64, 40, 264, 8, false)]
    [InlineData(13, 16, 128, 128, true)]
    [InlineData(2, 5, 77, 0, false)]
    public void Integer_sums_are_exact(int m, int n, int k, int group, bool symmetric)
    {
        var r = new Random(k);
        int groups = (k + group - 1) / Math.Max(group, 1);
        if (group == 0) { group = k; groups = 1; }
        var codes = new byte[n * ((k + 1) / 2)];
        r.NextBytes(codes);
        var wScales = Enumerable.Repeat(1f, n * groups).ToArray();
        var wZeros = symmetric ? null : Enumerable.Range(0, n * groups).Select(_ => (byte)r.Next(16)).ToArray();
        var w = new AffineQuantizedWeight(WeightFormat.Int4, [n, k], 0, group == k && groups == 1 ? Granularity.PerChannel : Granularity.PerGroup(group),
            symmetric, group, codes, wScales, wZeros);
        var packed = Int4PackedWeights.Pack(w);
        var a = new byte[m * k];
        r.NextBytes(a);
        var scales = Enumerable.Repeat(1f, m).ToArray();
        var zeros = Enumerable.Range(0, m).Select(_ => r.Next(256)).ToArray();
        var expected = new float[m * n];
        Int4GemmReference.Multiply(m, a, k, scales, zeros, packed, expected, n, default, false);
        foreach (var path in Paths())
            foreach (int threads in new[] { 1, 3 })
            {
                Int4Kernels.ForcedPath = path;
                try
                {
                    var actual = new float[m * n];
                    Int4Gemm.Multiply(m, a, k, scales, zeros, packed, actual, n, threads: threads);
                    Assert.Equal(expected, actual);
                }
                finally { Int4Kernels.ForcedPath = null; }
            }
    }

    /// <summary>The largest |a·w| everywhere: s16 partial sums (Avx512BW path) must not wrap.</summary>
    [Theory]
    [InlineData(true, 0x88, 0)]   // symmetric −8
    [InlineData(false, 0xFF, 0)]  // asymmetric 15 − 0
    [InlineData(false, 0x00, 15)] // asymmetric 0 − 15
    public void Extreme_codes_and_activations_do_not_overflow(bool symmetric, int codeByte, int zeroPoint)
    {
        const int m = 16, n = 16, k = 512;
        var codes = Enumerable.Repeat((byte)codeByte, n * k / 2).ToArray();
        var w = new AffineQuantizedWeight(WeightFormat.Int4, [n, k], 0, Granularity.PerChannel, symmetric, k, codes,
            Enumerable.Repeat(1f, n).ToArray(), symmetric ? null : Enumerable.Repeat((byte)zeroPoint, n).ToArray());
        var packed = Int4PackedWeights.Pack(w);
        var a = Enumerable.Repeat((byte)255, m * k).ToArray();
        var scales = Enumerable.Repeat(1f, m).ToArray();
        var zeros = new int[m];
        var expected = new float[m * n];
        Int4GemmReference.Multiply(m, a, k, scales, zeros, packed, expected, n, default, false);
        Assert.Equal(255f * k * (symmetric ? -8 : codeByte == 0 ? -15 : 15), expected[0]);
        foreach (var path in Paths())
        {
            Int4Kernels.ForcedPath = path;
            try
            {
                var actual = new float[m * n];
                Int4Gemm.Multiply(m, a, k, scales, zeros, packed, actual, n);
                Assert.Equal(expected, actual);
            }
            finally { Int4Kernels.ForcedPath = null; }
        }
    }

    [Fact]
    public void A_group_size_that_splits_octets_falls_back_to_the_reference()
    {
        var w = Weight(9, 50, 20, false, 1);
        var packed = Int4PackedWeights.Pack(w);
        var a = Random(3 * 50, 2);
        var expected = new float[27];
        var actual = new float[27];
        Int4GemmReference.Multiply(3, a, 50, packed, expected, 9, default, false);
        Int4Gemm.Multiply(3, a, 50, packed, actual, 9);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Large_shape_matches_a_sample_of_the_reference()
    {
        const int m = 64, n = 4096, k = 4096;
        var w = Weight(n, k, 128, true, 11);
        var packed = Int4PackedWeights.Pack(w);
        var wq = Dequantized(w);
        var a = Random(m * k, 12);
        var q = new byte[m * k];
        var scales = new float[m];
        var zeros = new int[m];
        Int4Gemm.QuantizeRows(a, m, k, k, q, scales, zeros);
        var cf = new float[m * n];
        var cq = new float[m * n];
        Int4Gemm.Multiply(m, a, k, packed, cf, n, threads: 3);
        Int4Gemm.Multiply(m, q, k, scales, zeros, packed, cq, n, threads: 3);
        var cq1 = new float[n];
        Int4Gemm.Multiply(1, q.AsSpan(5 * k, k), k, scales.AsSpan(5, 1), zeros.AsSpan(5, 1), packed, cq1, n);
        var r = new Random(1);
        for (int s = 0; s < 300; s++)
        {
            int i = r.Next(m), j = r.Next(n);
            double ef = 0, mf = 0, eq = 0, mq = 0;
            for (int p = 0; p < k; p++)
            {
                ef += a[i * k + p] * wq[j * k + p];
                mf += Math.Abs(a[i * k + p] * wq[j * k + p]);
                double t = (q[i * k + p] - zeros[i]) * (double)scales[i] * wq[j * k + p];
                eq += t;
                mq += Math.Abs(t);
            }
            Assert.True(Math.Abs(cf[i * n + j] - ef) <= 1e-5 * mf, $"fp32 A [{i},{j}]: expected {ef}, got {cf[i * n + j]}");
            Assert.True(Math.Abs(cq[i * n + j] - eq) <= 1e-5 * mq, $"u8 A [{i},{j}]: expected {eq}, got {cq[i * n + j]}");
        }
        for (int j = 0; j < n; j += 97) Assert.Equal(cq[5 * n + j], cq1[j], 1e-5f * (1 + Math.Abs(cq1[j])));
    }

    [Fact]
    public void QuantizeRows_matches_the_reference_for_every_length()
    {
        for (int k = 0; k <= 300; k++)
        {
            const int m = 3;
            int lda = k + 2;
            var a = Random(m * lda, k, 4f);
            if (k > 5) { a[1] = 0; a[lda + 2] = 7.5f; a[2 * lda] = -3f; }
            if (k > 0) for (int x = 0; x < k; x++) a[2 * lda + x] = Math.Abs(a[2 * lda + x]); // a row with no negatives: zero point 0
            var q1 = new byte[m * k];
            var q2 = new byte[m * k];
            var s1 = new float[m];
            var s2 = new float[m];
            var z1 = new int[m];
            var z2 = new int[m];
            Int4GemmReference.QuantizeRows(a, m, k, lda, q1, s1, z1);
            Int4Gemm.QuantizeRows(a, m, k, lda, q2, s2, z2);
            Assert.Equal(q1, q2);
            Assert.Equal(s1, s2);
            Assert.Equal(z1, z2);
            if (k > 5)
            {
                Assert.Equal(0, z1[2]);
                Assert.Equal(255, q1[2 * k + Array.IndexOf(a, a.Skip(2 * lda).Take(k).Max(), 2 * lda) - 2 * lda]);
            }
        }
    }

    [Fact]
    public void QuantizeRows_rejects_non_finite_activations()
    {
        var a = Enumerable.Repeat(1f, 40).ToArray();
        a[33] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => Int4Gemm.QuantizeRows(a, 1, 40, 40, new byte[40], new float[1], new int[1]));
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void Short_buffers_are_reported()
    {
        var packed = Int4PackedWeights.Pack(Weight(8, 16, 0, true, 1));
        var e = Assert.Throws<ArgumentException>(() => Int4Gemm.Multiply(2, new float[20], 16, packed, new float[16], 8));
        Assert.Contains("A holds 20", e.Message);
        e = Assert.Throws<ArgumentException>(() => Int4Gemm.Multiply(2, new byte[32], 16, new float[1], new int[2], packed, new float[16], 8));
        Assert.Contains("row scales", e.Message);
    }
}
