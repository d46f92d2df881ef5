using Platform.Quantization.Formats;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Formats;

public class FloatQuantizedWeightTests
{
    [Fact]
    public void Bf16_rounds_to_nearest_even()
    {
        float one = 1f, ulp = MathF.Pow(2, -7); // bf16 has 7 fraction bits
        float[] w =
        [
            one + ulp / 2,                      // tie, 1.0 is even -> 1.0
            one + 3 * ulp / 2,                  // tie between 1+ulp (odd) and 1+2ulp (even) -> 1+2ulp
            one + ulp / 2 + MathF.Pow(2, -20),  // just above the tie -> 1+ulp
            -(one + ulp / 2 - MathF.Pow(2, -20)), // just below the tie -> -1.0
        ];
        var q = FloatQuantizedWeight.Quantize(w, [4], 0, WeightFormat.Bf16);
        Assert.IsType<BFloat16[]>(q.Data);
        Assert.Equal([1f, one + 2 * ulp, one + ulp, -1f], q.Dequantize());
        Assert.Equal(8, q.SizeBytes);
    }

    [Fact]
    public void Fp16_round_trips_representable_values_and_rounds_others()
    {
        float[] w = [0.5f, -2f, 65504f, 1f / 1024, 1f / 3];
        var q = FloatQuantizedWeight.Quantize(w, [5], 0, WeightFormat.Fp16);
        var d = q.Dequantize();
        Assert.Equal(w[..4], d[..4]);
        Assert.True(MathF.Abs(d[4] - 1f / 3) <= MathF.Pow(2, -13)); // half an fp16 ulp at 1/3
        Assert.Equal(10, q.SizeBytes);
    }

    [Fact]
    public void Fp32_is_stored_as_is_in_the_original_layout()
    {
        float[] w = [1f, 2f, 3f, 4f, 5f, 6f];
        var q = FloatQuantizedWeight.Quantize(w, [2, 3], 1, WeightFormat.Fp32);
        Assert.Equal(w, q.Dequantize());
        Assert.Equal(24, q.SizeBytes);
        Assert.Throws<ArgumentException>(() => FloatQuantizedWeight.Quantize(w, [2, 3], 0, WeightFormat.Int8));
    }
}
