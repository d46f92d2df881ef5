using Platform.Quantization.Formats;
using Platform.Quantization.Kernels.Cpu;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Kernels;

/// <summary>
/// <see cref="HalfGemm"/> and its fp16/bf16 widening against the scalar definitions: the widening bit for bit on all
/// 65536 patterns, the GEMM over shapes with every tail (M around the GEMV/SGEMM switch, N around the 32-channel panel,
/// K 0..300) within 1e-5 of Σ|terms|. Re-run without AVX-512 and without intrinsics by <see cref="Int4HardwareVariantsTests"/>.
/// </summary>
public class HalfGemmTests
{
    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
        return a;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public unsafe void Widening_matches_the_scalar_conversion_for_every_pattern(bool bf16)
    {
        // Odd offsets and lengths put patterns in every vector width and in the scalar tail.
        var src = new ushort[65536 + 7];
        for (int i = 0; i < 65536; i++) src[i + 3] = (ushort)i;
        var dst = new float[src.Length];
        fixed (ushort* s = src)
        fixed (float* d = dst) HalfConvert.ToSingle(s + 3, d + 3, 65536 + 1, bf16);
        for (int i = 0; i < 65536; i++)
        {
            float expected = bf16 ? new BFloat16((ushort)i).ToSingle() : (float)BitConverter.UInt16BitsToHalf((ushort)i);
            uint e = BitConverter.SingleToUInt32Bits(expected), a = BitConverter.SingleToUInt32Bits(dst[i + 3]);
            Assert.True(e == a, $"pattern 0x{i:X4}: expected 0x{e:X8} ({expected}), got 0x{a:X8} ({dst[i + 3]})");
            if (!bf16) Assert.Equal(e, BitConverter.SingleToUInt32Bits(HalfConvert.Fp16Scalar((ushort)i)));
        }
    }

    public static IEnumerable<object[]> Shapes()
    {
        int[] ms = [0, 1, 2, 7, 8, 9, 64];
        int[][] nk = [[1, 1], [31, 7], [32, 8], [33, 9], [65, 31], [3, 0], [0, 5], [40, 64], [17, 100], [70, 129], [5, 257], [33, 300]];
        int seed = 0;
        foreach (int m in ms)
            foreach (var s in nk)
            {
                seed++;
                yield return [m, s[0], s[1], seed % 2 == 0, seed % 3 == 0 ? 3 : 1];
            }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Matches_the_reference(int m, int n, int k, bool bf16, int threads)
    {
        var wf = Random(n * k, n + k);
        for (int i = 0; i < wf.Length; i += 7) wf[i] *= 300f; // exponents far from 1, where fp16 and bf16 differ
        var w = FloatQuantizedWeight.Quantize(wf, [n, k], 0, bf16 ? WeightFormat.Bf16 : WeightFormat.Fp16);
        var packed = HalfPackedWeights.Pack(w);
        var rows = new float[n * k];
        w.DequantizeRows(rows);
        int lda = k + 1, ldc = n + 3;
        var a = Random(m * lda, 3 * k + m);
        var bias = k % 2 == 0 ? Random(n, 9) : null;
        bool relu = n % 2 == 1;
        var expected = new float[m * ldc];
        var actual = new float[m * ldc];
        Array.Fill(actual, 42f);
        Array.Fill(expected, 42f);
        HalfGemmReference.Multiply(m, a, lda, packed, expected, ldc, bias, relu);
        HalfGemm.Multiply(m, a, lda, packed, actual, ldc, bias, relu, threads);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < ldc; j++)
            {
                double mag = 0;
                if (j < n)
                {
                    mag = bias is null ? 0 : Math.Abs(bias[j]);
                    for (int p = 0; p < k; p++) mag += Math.Abs(a[i * lda + p] * rows[j * k + p]);
                }
                float e = expected[i * ldc + j], g = actual[i * ldc + j];
                Assert.True(Math.Abs(e - g) <= 1e-5 * mag, $"[{i},{j}] {(bf16 ? "bf16" : "fp16")}: expected {e}, got {g}");
            }
    }

    [Fact]
    public void Packing_keeps_the_stored_values()
    {
        var wf = Random(40 * 9, 1);
        var w = FloatQuantizedWeight.Quantize(wf, [9, 40], 1, WeightFormat.Fp16); // channels on axis 1: rows are gathered
        var packed = HalfPackedWeights.Pack(w);
        var rows = new float[360];
        w.DequantizeRows(rows);
        Assert.Equal(40, packed.Columns);
        Assert.Equal(9, packed.Depth);
        for (int c = 0; c < 40; c++)
            for (int x = 0; x < 9; x++) Assert.Equal(rows[c * 9 + x], packed.Element(c, x));
        Assert.Throws<ArgumentException>(() => HalfPackedWeights.Pack(FloatQuantizedWeight.Quantize(wf, [9, 40], 1, WeightFormat.Fp32)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void Large_shape_matches_a_sample_of_the_reference(int m)
    {
        const int n = 4096, k = 4096;
        var w = FloatQuantizedWeight.Quantize(Random(n * k, 5), [n, k], 0, WeightFormat.Bf16);
        var packed = HalfPackedWeights.Pack(w);
        var a = Random(m * k, 6);
        var c = new float[m * n];
        HalfGemm.Multiply(m, a, k, packed, c, n, threads: 3);
        var r = new Random(2);
        for (int s = 0; s < 200; s++)
        {
            int i = r.Next(m), j = r.Next(n);
            double e = 0, mag = 0;
            for (int p = 0; p < k; p++)
            {
                double t = a[i * k + p] * packed.Element(j, p);
                e += t;
                mag += Math.Abs(t);
            }
            Assert.True(Math.Abs(c[i * n + j] - e) <= 1e-5 * mag, $"[{i},{j}]: expected {e}, got {c[i * n + j]}");
        }
    }
}
