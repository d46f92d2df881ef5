namespace Platform.Quantization.Formats;

/// <summary>A model's size as stored: quantized weights plus whatever stays unquantized (biases, norms...).</summary>
/// <param name="WeightBytes">The layers' weights as stored (<see cref="QuantizedWeight.SizeBytes"/> summed).</param>
/// <param name="Fp32WeightBytes">The same weights at fp32.</param>
/// <param name="OtherBytes">Everything else, as stored.</param>
public sealed record ModelSize(long WeightBytes, long Fp32WeightBytes, long OtherBytes)
{
    public long TotalBytes => WeightBytes + OtherBytes;

    public long Fp32TotalBytes => Fp32WeightBytes + OtherBytes;

    /// <summary>fp32 size over stored size (1 when nothing is quantized).</summary>
    public double CompressionRatio => TotalBytes == 0 ? 1 : (double)Fp32TotalBytes / TotalBytes;

    public static ModelSize Of(IEnumerable<QuantizedWeight> weights, long otherBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(weights);
        long stored = 0, fp32 = 0;
        foreach (var w in weights)
        {
            stored += w.SizeBytes;
            fp32 += 4L * w.ElementCount;
        }
        return new ModelSize(stored, fp32, otherBytes);
    }
}
