using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Formats;

/// <summary>
/// fp32, fp16 or bf16 weights, kept in the original shape and order (no packing needed).
/// Narrowing rounds to nearest even (IEEE for Half, <see cref="BFloat16.FromSingle"/> for bf16).
/// </summary>
public sealed class FloatQuantizedWeight : QuantizedWeight
{
    internal FloatQuantizedWeight(WeightFormat format, int[] shape, int axis, Array data)
        : base(format, shape, axis) => Data = data;

    /// <summary>float[], Half[] or BFloat16[] in the original layout.</summary>
    public Array Data { get; }

    public override long SizeBytes => (long)ElementCount * (Format.Kind == WeightFormatKind.Fp32 ? 4 : 2);

    public static FloatQuantizedWeight Quantize(ReadOnlySpan<float> weight, int[] shape, int axis, WeightFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        int n = (int)TensorShape.ElementCount(shape);
        if (weight.Length != n) throw new ArgumentException($"The weight holds {weight.Length} elements but shape {TensorShape.Format(shape)} needs {n}.", nameof(weight));
        Array data;
        switch (format.Kind)
        {
            case WeightFormatKind.Fp32:
                data = weight.ToArray();
                break;
            case WeightFormatKind.Fp16:
                var h = new Half[n];
                for (int i = 0; i < n; i++) h[i] = (Half)weight[i];
                data = h;
                break;
            case WeightFormatKind.Bf16:
                var b = new BFloat16[n];
                for (int i = 0; i < n; i++) b[i] = BFloat16.FromSingle(weight[i]);
                data = b;
                break;
            default:
                throw new ArgumentException($"{format.Name} is not a floating-point weight format.", nameof(format));
        }
        return new FloatQuantizedWeight(format, (int[])shape.Clone(), axis, data);
    }

    public override void DequantizeRows(Span<float> rows)
    {
        var w = new float[ElementCount];
        switch (Data)
        {
            case float[] f: f.CopyTo(w, 0); break;
            case Half[] h: for (int i = 0; i < h.Length; i++) w[i] = (float)h[i]; break;
            case BFloat16[] b: for (int i = 0; i < b.Length; i++) w[i] = b[i].ToSingle(); break;
        }
        Layout.GatherRows(w).CopyTo(rows);
    }
}
