using Platform.Quantization.Kernels.Cpu;

namespace Platform.Quantization.Tests.Kernels;

/// <summary>
/// <see cref="Int8Gemm"/> against <see cref="Int8GemmReference"/>: integers equal exactly, and so do the fp32 and u8
/// outputs (the fast path multiplies then adds, unfused, like the reference). Every kernel path runs through
/// <see cref="Int8HardwareVariantsTests"/>.
/// </summary>
public class Int8GemmTests
{
    internal static byte[] U8(int n, int seed, int min = 0, int max = 256)
    {
        var r = new Random(seed);
        var a = new byte[n];
        for (int i = 0; i < n; i++) a[i] = (byte)r.Next(min, max);
        return a;
    }

    internal static sbyte[] S8(int n, int seed)
    {
        var r = new Random(seed);
        var a = new sbyte[n];
        for (int i = 0; i < n; i++) a[i] = (sbyte)r.Next(-128, 128);
        return a;
    }

    internal static int[] ZeroPoints(int n, int seed)
    {
        var r = new Random(seed);
        var z = new int[n];
        for (int i = 0; i < n; i++) z[i] = r.Next(-128, 128);
        return z;
    }

    internal static Int8Epilogue Epilogue(int n, int seed, bool bias, bool relu, bool transpose, float outputScale = 1f, int outputZero = 0)
    {
        var r = new Random(seed);
        var s = new float[n];
        var b = new float[n];
        for (int i = 0; i < n; i++)
        {
            s[i] = (float)(r.NextDouble() * 2e-3 + 1e-5) * (i % 5 == 4 ? -1 : 1);
            b[i] = (float)(r.NextDouble() * 4 - 2);
        }
        return new Int8Epilogue { Scales = s, Bias = bias ? b : null, Relu = relu, TransposeOutput = transpose, OutputScale = outputScale, OutputZeroPoint = outputZero };
    }

    internal static void AssertSame(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]) && !(expected[i] == 0f && actual[i] == 0f))
                Assert.Fail($"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    private static void CheckRaw(int m, int n, int k, bool zp, int threads, int seed, int aZero = 9)
    {
        int lda = k + 3, ldc = n + 2;
        var a = U8(Math.Max(1, m * lda), seed);
        var w = Int8PackedWeights.Pack(S8(n * k, seed + 1), n, k, zp ? ZeroPoints(n, seed + 2) : default);
        var expected = Enumerable.Repeat(-777, Math.Max(1, m * ldc)).ToArray();
        var actual = (int[])expected.Clone();
        Int8GemmReference.Multiply(m, a, lda, aZero, w, expected, ldc);
        Int8Gemm.Multiply(m, a, lda, aZero, w, actual, ldc, threads);
        Assert.Equal(expected, actual);
    }

    public static IEnumerable<object[]> Shapes()
    {
        int[][] sizes =
        [
            [0, 5, 3], [5, 0, 3], [4, 6, 0], [1, 1, 1], [1, 37, 5], [37, 1, 5], [6, 16, 4], [7, 17, 5], [12, 32, 64],
            [13, 33, 67], [1, 300, 129], [65, 70, 300], [250, 20, 9], [31, 48, 1000], [247, 35, 77],
        ];
        foreach (var s in sizes)
            foreach (bool zp in new[] { false, true })
                foreach (int threads in new[] { 1, 3 })
                    yield return [s[0], s[1], s[2], zp, threads];
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Raw_s32_matches_the_reference(int m, int n, int k, bool zp, int threads) => CheckRaw(m, n, k, zp, threads, m * 7 + n * 13 + k);

    [Fact]
    public void Every_depth_from_0_to_300_matches()
    {
        for (int k = 0; k <= 300; k++) CheckRaw(7, 19, k, k % 2 == 0, 1, k);
    }

    [Fact]
    public void Every_row_and_column_count_matches()
    {
        for (int m = 0; m <= 40; m++) CheckRaw(m, 17, 13, true, m % 3 == 0 ? 3 : 1, m);
        for (int n = 0; n <= 70; n++) CheckRaw(7, n, 9, n % 2 == 1, n % 3 == 0 ? 3 : 1, 100 + n);
    }

    [Fact]
    public void Large_matches_the_reference()
    {
        CheckRaw(256, 1024, 1024, true, 3, 42);
    }

    [Theory]
    [InlineData(255, -128, 0, 0)]
    [InlineData(255, 127, 0, 0)]
    [InlineData(255, -128, 0, 127)]
    [InlineData(0, -128, 255, 127)]
    [InlineData(255, -128, -255, -128)]
    [InlineData(128, -128, 0, 0)]
    public void Extreme_values_do_not_saturate(int av, int wv, int aZero, int wZero)
    {
        const int m = 7, n = 19;
        foreach (int k in new[] { 1, 2, 3, 4, 5, 8, 15, 16, 17, 63, 64, 65, 255, 300, 1023 })
        {
            var a = Enumerable.Repeat((byte)av, m * k).ToArray();
            var w = Int8PackedWeights.Pack(Enumerable.Repeat((sbyte)wv, n * k).ToArray(), n, k, wZero == 0 ? default : Enumerable.Repeat(wZero, n).ToArray());
            var c = new int[m * n];
            Int8Gemm.Multiply(m, a, k, aZero, w, c, n);
            int expected = unchecked(k * (av - aZero) * (wv - wZero));
            Assert.All(c, v => Assert.Equal(expected, v));
        }
    }

    [Fact]
    public void Alternating_extremes_match_the_reference()
    {
        const int m = 13, n = 35, k = 301;
        var a = new byte[m * k];
        var ws = new sbyte[n * k];
        for (int i = 0; i < a.Length; i++) a[i] = (byte)(i % 3 == 0 ? 0 : 255);
        for (int i = 0; i < ws.Length; i++) ws[i] = (sbyte)(i % 2 == 0 ? -128 : 127);
        var w = Int8PackedWeights.Pack(ws, n, k);
        var expected = new int[m * n];
        var actual = new int[m * n];
        Int8GemmReference.Multiply(m, a, k, 0, w, expected, n);
        Int8Gemm.Multiply(m, a, k, 0, w, actual, n);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(1, 1, 1, 0, 1)]
    [InlineData(7, 19, 33, -5, 1)]
    [InlineData(64, 70, 300, 3, 3)]
    [InlineData(5, 16, 1000, -128, 1)]
    public void Signed_activations_match_the_reference(int m, int n, int k, int aZero, int threads)
    {
        foreach (bool extreme in new[] { false, true })
        {
            var a = extreme ? Enumerable.Range(0, m * k).Select(i => (sbyte)(i % 2 == 0 ? -128 : 127)).ToArray() : S8(m * k, m + k);
            var w = Int8PackedWeights.Pack(S8(n * k, n), n, k, ZeroPoints(n, 3));
            var expected = new int[m * n];
            var actual = new int[m * n];
            Int8GemmReference.Multiply(m, a, k, aZero, w, expected, n);
            Int8Gemm.Multiply(m, a, k, aZero, w, actual, n, threads);
            Assert.Equal(expected, actual);
        }
    }

    public static IEnumerable<object[]> EpilogueCases()
    {
        int[][] sizes = [[1, 1, 1], [7, 19, 33], [6, 16, 64], [37, 50, 129], [130, 33, 300], [1, 70, 257], [5, 3, 0]];
        foreach (var s in sizes)
            foreach (bool transpose in new[] { false, true })
                foreach (var (bias, relu) in new[] { (false, false), (true, true), (true, false) })
                    yield return [s[0], s[1], s[2], bias, relu, transpose, s[0] % 2 == 0 ? 1 : 3];
    }

    [Theory]
    [MemberData(nameof(EpilogueCases))]
    public void Fp32_epilogue_matches_the_reference(int m, int n, int k, bool bias, bool relu, bool transpose, int threads)
    {
        int lda = k + 1, ldc = (transpose ? m : n) + 3;
        var a = U8(Math.Max(1, m * lda), k);
        var w = Int8PackedWeights.Pack(S8(n * k, n), n, k, ZeroPoints(n, m));
        var e = Epilogue(n, 5, bias, relu, transpose);
        int rows = transpose ? n : m;
        var expected = Enumerable.Repeat(-1f, Math.Max(1, rows * ldc)).ToArray();
        var actual = (float[])expected.Clone();
        Int8GemmReference.Multiply(m, a, lda, 120, w, e, expected, ldc);
        Int8Gemm.Multiply(m, a, lda, 120, w, e, actual, ldc, threads);
        AssertSame(expected, actual);
    }

    [Theory]
    [MemberData(nameof(EpilogueCases))]
    public void U8_epilogue_matches_the_reference(int m, int n, int k, bool bias, bool relu, bool transpose, int threads)
    {
        int lda = k + 1, ldc = (transpose ? m : n) + 3;
        var a = U8(Math.Max(1, m * lda), k);
        var w = Int8PackedWeights.Pack(S8(n * k, n), n, k, ZeroPoints(n, m));
        // An output scale about the spread of y, so results land all over 0..255 and some clamp.
        var e = Epilogue(n, 5, bias, relu, transpose, outputScale: 0.02f + 0.004f * MathF.Sqrt(k), outputZero: 100);
        int rows = transpose ? n : m;
        var expected = Enumerable.Repeat((byte)7, Math.Max(1, rows * ldc)).ToArray();
        var actual = (byte[])expected.Clone();
        Int8GemmReference.Multiply(m, a, lda, 120, w, e, expected, ldc);
        Int8Gemm.Multiply(m, a, lda, 120, w, e, actual, ldc, threads);
        Assert.Equal(expected, actual);
        if (m * n >= 1000) Assert.True(actual.Distinct().Count() > 20, "the outputs should spread over the u8 range");
    }

    [Fact]
    public void U8_epilogue_rounds_half_to_even_and_clamps()
    {
        // One row, K = 1, a = 1: acc = w, y = w·0.5 → exact halves.
        const int n = 40;
        var ws = Enumerable.Range(0, n).Select(i => (sbyte)(i - 20)).ToArray();
        var w = Int8PackedWeights.Pack(ws, n, 1);
        var e = new Int8Epilogue { Scales = Enumerable.Repeat(0.5f, n).ToArray(), OutputScale = 1f, OutputZeroPoint = 3 };
        var c = new byte[n];
        Int8Gemm.Multiply(1, new byte[] { 1 }, 1, 0, w, e, c, n);
        for (int i = 0; i < n; i++)
        {
            float y = (i - 20) * 0.5f;
            Assert.Equal((byte)Math.Clamp(Math.Round(y, MidpointRounding.ToEven) + 3, 0, 255), c[i]);
        }
        Assert.Equal([3, 3, 3, 5, 5, 5], new[] { c[19], c[20], c[21], c[23], c[24], c[25] }); // −0.5, 0, 0.5, 1.5, 2, 2.5
        Assert.Equal(0, c[0]);
        var high = new Int8Epilogue { Scales = e.Scales, OutputScale = 1f, OutputZeroPoint = 250 };
        Int8Gemm.Multiply(1, new byte[] { 1 }, 1, 0, w, high, c, n);
        Assert.Equal(255, c[n - 1]);
        Assert.Equal(252, c[24]);
    }

    [Fact]
    public void Sizes_that_do_not_fit_are_refused()
    {
        var w = Int8PackedWeights.Pack(S8(10 * 8, 1), 10, 8);
        Assert.Throws<ArgumentException>(() => Int8Gemm.Multiply(3, new byte[3 * 8 - 1], 8, 0, w, new int[30], 10));
        Assert.Throws<ArgumentException>(() => Int8Gemm.Multiply(3, new byte[24], 7, 0, w, new int[30], 10));
        Assert.Throws<ArgumentException>(() => Int8Gemm.Multiply(3, new byte[24], 8, 0, w, new int[29], 10));
        var e = new Int8Epilogue { Scales = new float[9] };
        Assert.Throws<ArgumentException>(() => Int8Gemm.Multiply(3, new byte[24], 8, 0, w, e, new float[30], 10));
        var t = new Int8Epilogue { Scales = new float[10], TransposeOutput = true };
        Assert.Throws<ArgumentException>(() => Int8Gemm.Multiply(3, new byte[24], 8, 0, w, t, new float[30], 2));
        Int8Gemm.Multiply(3, new byte[24], 8, 0, w, t, new float[30], 3);
    }
}
