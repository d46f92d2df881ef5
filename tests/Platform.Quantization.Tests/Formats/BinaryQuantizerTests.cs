using Platform.Quantization.Formats;

namespace Platform.Quantization.Tests.Formats;

public class BinaryQuantizerTests
{
    [Fact]
    public void Alpha_is_mean_abs_per_channel_and_zero_counts_as_plus_one()
    {
        // channel 0: |.| sum 4 -> α = 1; channel 1: α = 10/4 = 2.5
        float[] w = [0.5f, -1f, 0f, -2.5f, 4f, 3f, -2f, -1f];
        var q = BinaryQuantizer.Quantize(w, [2, 4], 0);
        Assert.Equal([1f, 2.5f], q.Alphas);
        Assert.Equal([0b0101, 0b0011], q.Signs); // element i is bit i; set bit = +1
        Assert.Equal([1f, -1f, 1f, -1f, 2.5f, 2.5f, -2.5f, -2.5f], q.Dequantize());
        Assert.Equal(2 + 2 * 4, q.SizeBytes);
    }

    [Fact]
    public void Rows_are_padded_to_whole_bytes_per_channel()
    {
        var w = TestData.Gaussian(3 * 9, 2);
        var q = BinaryQuantizer.Quantize(w, [3, 1, 3, 3], 0);
        Assert.Equal(2, q.RowBytes);
        Assert.Equal(3 * 2 + 3 * 4, q.SizeBytes);
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 9; i++)
                Assert.Equal(w[c * 9 + i] >= 0 ? 1 : -1, q.Sign(c, i));
    }

    [Fact]
    public void Alpha_follows_the_output_channel_axis()
    {
        // MatMul [K=2, N=2]: channel 1 is the column [2, -4] -> α = 3
        var q = BinaryQuantizer.Quantize([1f, 2f, -1f, -4f], [2, 2], 1);
        Assert.Equal([1f, 3f], q.Alphas);
        Assert.Equal([1f, 3f, -1f, -3f], q.Dequantize());
    }

    [Fact]
    public void Binary_approximation_beats_any_other_common_scale()
    {
        // α = mean|w| minimises ‖w − α·sign(w)‖²: nudging α either way increases the error
        var w = TestData.Gaussian(256, 9);
        var q = BinaryQuantizer.Quantize(w, [1, 256], 0);
        double Err(float a) => w.Sum(v => Math.Pow(v - (v >= 0 ? a : -a), 2));
        float alpha = q.Alphas[0];
        Assert.True(Err(alpha) < Err(alpha * 1.05f));
        Assert.True(Err(alpha) < Err(alpha * 0.95f));
    }

    [Fact]
    public void Activation_rows_binarize_to_beta_times_sign()
    {
        float[] x = [1f, -3f, 0f, 2f, -1f, -1f, 1f, 1f];
        var y = new float[8];
        BinaryQuantizer.BinarizeActivationRows(x, 4, y);
        Assert.Equal([1.5f, -1.5f, 1.5f, 1.5f, -1f, -1f, 1f, 1f], y);
        BinaryQuantizer.BinarizeActivationRows(x, 4, x); // in place
        Assert.Equal(y, x);
        var e = Assert.Throws<ArgumentException>(() => BinaryQuantizer.BinarizeActivationRows(new float[7], 4, new float[7]));
        Assert.Contains("7", e.Message);
    }
}
