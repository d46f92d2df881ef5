using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Formats;

/// <summary>
/// A weight tensor held in its stored form (packed codes plus scales, signs plus α, codebook plus codes,
/// or 16-bit floats). Packed forms lay the tensor out channel-major: one row per output channel, the
/// row being every element of that channel in the original row-major order (for a Conv weight
/// [O,I,kh,kw] on axis 0 that is the flattened [I·kh·kw]; for a MatMul weight [K,N] on axis 1 the
/// column of K inputs), so a kernel reads one output channel contiguously.
/// </summary>
public abstract class QuantizedWeight
{
    private protected QuantizedWeight(WeightFormat format, int[] shape, int axis)
    {
        Format = format;
        Shape = shape;
        Axis = axis;
        Layout = new ChannelLayout(shape, axis);
    }

    public WeightFormat Format { get; }

    public int[] Shape { get; }

    /// <summary>The output-channel axis.</summary>
    public int Axis { get; }

    internal ChannelLayout Layout { get; }

    public int ElementCount => Layout.ElementCount;

    /// <summary>Output channels: rows of the packed layout.</summary>
    public int Channels => Layout.Channels;

    /// <summary>Elements per output channel.</summary>
    public int RowLength => Layout.RowLength;

    /// <summary>Bytes as stored: payload plus scales, zero points, α or codebook.</summary>
    public abstract long SizeBytes { get; }

    public double BitsPerWeight => ElementCount == 0 ? 0 : SizeBytes * 8.0 / ElementCount;

    /// <summary>Weight SQNR in dB against the fp32 original (10·log10(Σw²/Σ(w−ŵ)²)); set by <see cref="WeightQuantizer"/>.</summary>
    public double SqnrDb { get; internal set; } = double.NaN;

    /// <summary>The fp32 weights this stored form stands for, in the original shape and order.</summary>
    public float[] Dequantize()
    {
        var rows = new float[ElementCount];
        DequantizeRows(rows);
        return Layout.ScatterRows(rows);
    }

    /// <summary>Fills <paramref name="rows"/> with the dequantized weights in channel-major order.</summary>
    public abstract void DequantizeRows(Span<float> rows);

    /// <summary>The dequantized weights as a tensor of the original shape.</summary>
    public Tensor DequantizeTensor() => Tensor.FromArray(Dequantize(), (int[])Shape.Clone());

    public override string ToString() =>
        $"{Format.Name} {TensorShape.Format(Shape)} axis {Axis}: {SizeBytes} B ({BitsPerWeight:0.###} bits/weight)";
}
