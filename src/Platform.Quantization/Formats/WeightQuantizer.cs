using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Formats;

/// <summary>The entry point: one layer's fp32 weight and its <see cref="LayerSpec"/> in, its stored form out.</summary>
public static class WeightQuantizer
{
    /// <param name="weight">fp32 weights, row-major in <paramref name="shape"/>.</param>
    /// <param name="axis">Output-channel axis: 0 for Conv [O,I,kh,kw] and Gemm with transB=1; 1 for MatMul [K,N]. Negative counts from the end.</param>
    /// <param name="pqIterations">k-means iterations for PQ formats.</param>
    /// <param name="seed">k-means++ seed for PQ formats.</param>
    /// <returns>The stored weight, with <see cref="QuantizedWeight.SqnrDb"/> set.</returns>
    public static QuantizedWeight Quantize(ReadOnlySpan<float> weight, int[] shape, int axis, LayerSpec spec,
        int pqIterations = ProductQuantizer.DefaultIterations, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        long n = TensorShape.ElementCount(shape);
        if (weight.Length != n)
            throw new ArgumentException($"The weight holds {weight.Length} elements but shape {TensorShape.Format(shape)} needs {n}.", nameof(weight));
        int ax = shape.Length == 0 ? 0 : TensorShape.Axis(axis, shape.Length);
        for (int i = 0; i < weight.Length; i++)
            if (!float.IsFinite(weight[i]))
                throw new ArgumentException($"Weight {TensorShape.Format(shape)} element {i} is {weight[i]}: only finite weights can be quantized.", nameof(weight));

        var f = spec.Weights;
        QuantizedWeight q = f.Kind switch
        {
            WeightFormatKind.Fp32 or WeightFormatKind.Fp16 or WeightFormatKind.Bf16 => FloatQuantizedWeight.Quantize(weight, shape, ax, f),
            WeightFormatKind.Int8 or WeightFormatKind.Int4 or WeightFormatKind.Int2 =>
                AffineQuantizer.Quantize(weight, shape, ax, f.IntegerBits, spec.Symmetric, spec.Granularity),
            WeightFormatKind.Binary => BinaryQuantizer.Quantize(weight, shape, ax),
            WeightFormatKind.Pq => ProductQuantizer.Quantize(weight, shape, ax, f.K, f.D, pqIterations, seed),
            _ => throw new ArgumentException($"Weight format {f.Name} has no quantizer.", nameof(spec)),
        };
        q.SqnrDb = SqnrDb(weight, q.Dequantize());
        return q;
    }

    public static QuantizedWeight Quantize(Tensor weight, int axis, LayerSpec spec,
        int pqIterations = ProductQuantizer.DefaultIterations, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Type != DataType.Float)
            throw new ArgumentException($"Weights must be float32 to quantize, not {weight.Type} {TensorShape.Format(weight.Shape)}.", nameof(weight));
        return Quantize(weight.Floats, weight.Shape, axis, spec, pqIterations, seed);
    }

    /// <summary>10·log10(Σw² / Σ(w−ŵ)²) in dB; +∞ when ŵ = w exactly.</summary>
    public static double SqnrDb(ReadOnlySpan<float> reference, ReadOnlySpan<float> approximation)
    {
        if (reference.Length != approximation.Length)
            throw new ArgumentException($"SQNR compares {reference.Length} reference values with {approximation.Length} approximations.");
        double signal = 0, noise = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double w = reference[i], e = w - approximation[i];
            signal += w * w;
            noise += e * e;
        }
        if (noise == 0) return double.PositiveInfinity;
        return 10 * Math.Log10(signal / noise);
    }
}
