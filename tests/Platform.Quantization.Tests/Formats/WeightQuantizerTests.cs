using Platform.Quantization.Formats;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Formats;

public class WeightQuantizerTests
{
    private static readonly int[] ConvShape = [32, 16, 3, 3];

    private static LayerSpec Spec(WeightFormat f, Granularity? g = null, bool sym = true) =>
        new() { Weights = f, Granularity = g ?? Granularity.PerChannel, Symmetric = sym };

    [Fact]
    public void Sqnr_by_hand()
    {
        Assert.Equal(10 * Math.Log10(5.0), WeightQuantizer.SqnrDb([1f, 2f], [1f, 1f]), 12);
        Assert.Equal(double.PositiveInfinity, WeightQuantizer.SqnrDb([1f, 2f], [1f, 2f]));
    }

    [Fact]
    public void Every_format_dispatches_and_reports_sqnr()
    {
        var w = TestData.Gaussian(32 * 144, 4, 0.1f);
        var formats = new (LayerSpec Spec, Type Type)[]
        {
            (Spec(WeightFormat.Fp32), typeof(FloatQuantizedWeight)),
            (Spec(WeightFormat.Fp16), typeof(FloatQuantizedWeight)),
            (Spec(WeightFormat.Bf16), typeof(FloatQuantizedWeight)),
            (Spec(WeightFormat.Int8), typeof(AffineQuantizedWeight)),
            (Spec(WeightFormat.Int4, Granularity.PerGroup(32), false), typeof(AffineQuantizedWeight)),
            (Spec(WeightFormat.Int2), typeof(AffineQuantizedWeight)),
            (Spec(WeightFormat.Binary), typeof(BinaryQuantizedWeight)),
            (Spec(WeightFormat.Pq(64)), typeof(PqQuantizedWeight)),
        };
        foreach (var (spec, type) in formats)
        {
            var q = WeightQuantizer.Quantize(w, ConvShape, 0, spec);
            Assert.IsType(type, q);
            Assert.Equal(spec.Weights.Kind, q.Format.Kind);
            Assert.Equal(WeightQuantizer.SqnrDb(w, q.Dequantize()), q.SqnrDb);
        }
    }

    [Fact]
    public void Sqnr_orders_the_formats_by_precision()
    {
        var w = TestData.Gaussian(32 * 144, 4, 0.1f);
        double S(LayerSpec s) => WeightQuantizer.Quantize(w, ConvShape, 0, s).SqnrDb;
        double fp32 = S(Spec(WeightFormat.Fp32)), fp16 = S(Spec(WeightFormat.Fp16)), bf16 = S(Spec(WeightFormat.Bf16));
        double i8 = S(Spec(WeightFormat.Int8)), i4 = S(Spec(WeightFormat.Int4)), i2 = S(Spec(WeightFormat.Int2));
        double i4g = S(Spec(WeightFormat.Int4, Granularity.PerGroup(32), sym: false));
        double bin = S(Spec(WeightFormat.Binary));
        Assert.Equal(double.PositiveInfinity, fp32);
        Assert.True(fp16 > bf16 && bf16 > i8 && i8 > i4 && i4 > i2, $"{fp16} {bf16} {i8} {i4} {i2}");
        Assert.True(i4g > i4 + 1, $"per-group asymmetric int4 {i4g:0.0} dB vs per-channel {i4:0.0} dB");
        Assert.True(i8 > 35 && i8 < 50, $"int8 {i8:0.0} dB");
        Assert.True(bin > 3 && bin < 6, $"binary {bin:0.0} dB"); // Gaussian: 1/(1−2/π) = 4.4 dB
    }

    [Fact]
    public void Sizes_as_stored_by_hand()
    {
        var w = TestData.Gaussian(32 * 144, 4);
        long n = w.Length;
        Assert.Equal(n * 4, WeightQuantizer.Quantize(w, ConvShape, 0, Spec(WeightFormat.Fp32)).SizeBytes);
        Assert.Equal(n * 2, WeightQuantizer.Quantize(w, ConvShape, 0, Spec(WeightFormat.Bf16)).SizeBytes);
        Assert.Equal(n + 32 * 4, WeightQuantizer.Quantize(w, ConvShape, 0, Spec(WeightFormat.Int8)).SizeBytes);
        // 144 per row / 32 = 5 groups (the last one partial); scales + uint8 zero points
        Assert.Equal(n / 2 + 32 * 5 * 5, WeightQuantizer.Quantize(w, ConvShape, 0, Spec(WeightFormat.Int4, Granularity.PerGroup(32), false)).SizeBytes);
        Assert.Equal(n / 4 + 4, WeightQuantizer.Quantize(w, ConvShape, 0, Spec(WeightFormat.Int2, Granularity.PerTensor)).SizeBytes);
        Assert.Equal(32 * 18 + 32 * 4, WeightQuantizer.Quantize(w, ConvShape, 0, Spec(WeightFormat.Binary)).SizeBytes);
        // d = 9 (3x3): 512 codes of one byte, 256 codewords of 9 floats
        Assert.Equal(512 + 256 * 9 * 4, WeightQuantizer.Quantize(w, ConvShape, 0, Spec(WeightFormat.Pq()), pqIterations: 2).SizeBytes);
    }

    [Fact]
    public void Model_size_sums_the_stored_bytes()
    {
        var a = WeightQuantizer.Quantize(new float[64], [8, 8], 0, Spec(WeightFormat.Int8)); // 64 + 32
        var b = WeightQuantizer.Quantize(new float[16], [16], 0, Spec(WeightFormat.Fp16));   // 32
        var size = ModelSize.Of([a, b], otherBytes: 40);
        Assert.Equal(96 + 32, size.WeightBytes);
        Assert.Equal(4 * 80, size.Fp32WeightBytes);
        Assert.Equal(168, size.TotalBytes);
        Assert.Equal(360.0 / 168, size.CompressionRatio, 12);
    }

    [Fact]
    public void Tensor_overload_and_negative_axis()
    {
        var t = Tensor.FromArray(TestData.Gaussian(6, 1), 2, 3);
        var q = (AffineQuantizedWeight)WeightQuantizer.Quantize(t, -1, Spec(WeightFormat.Int8));
        Assert.Equal(1, q.Axis);
        Assert.Equal(3, q.Scales.Length);
    }

    [Fact]
    public void Bad_inputs_are_named()
    {
        var nan = new float[] { 1f, float.NaN, 2f, 3f };
        var e = Assert.Throws<ArgumentException>(() => WeightQuantizer.Quantize(nan, [2, 2], 0, Spec(WeightFormat.Int8)));
        Assert.Contains("element 1", e.Message);
        var s = Assert.Throws<ArgumentException>(() => WeightQuantizer.Quantize(new float[5], [2, 2], 0, Spec(WeightFormat.Int8)));
        Assert.Contains("[2,2]", s.Message);
        var ax = Assert.ThrowsAny<Exception>(() => WeightQuantizer.Quantize(new float[4], [2, 2], 2, Spec(WeightFormat.Int8)));
        Assert.Contains("Axis 2", ax.Message);
        Assert.Throws<ArgumentException>(() => WeightQuantizer.Quantize(Tensor.FromArray(new int[4], 2, 2), 0, Spec(WeightFormat.Int8)));
    }
}
