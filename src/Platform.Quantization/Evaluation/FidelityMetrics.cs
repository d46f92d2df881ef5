using System.Text.Json.Serialization;

namespace Platform.Quantization.Evaluation;

/// <summary>
/// How closely a quantized model's outputs follow the fp32 reference's, over a whole data set.
/// JSON cannot hold Infinity: <see cref="SqnrDb"/> and <see cref="RelativeL2Error"/> are written as null when not
/// finite and read back as +∞. For SQNR that is the identical-outputs case (+∞); the only other non-finite case, an
/// all-zero reference with a non-zero output (SQNR −∞), shows as RelativeL2Error null too.
/// Use <see cref="SqnrDbCapped"/> where a number is needed (sorting, plotting).
/// </summary>
public sealed record FidelityMetrics
{
    /// <summary>Samples compared.</summary>
    public long Samples { get; init; }

    /// <summary>Output elements compared (finite pairs only).</summary>
    public long Elements { get; init; }

    /// <summary>Element pairs left out because either side was NaN or infinite; above 0 means a broken variant.</summary>
    public long NonFiniteElements { get; init; }

    /// <summary>Fraction of samples whose argmax (over the flattened per-sample output) is the reference's.</summary>
    public double Top1Agreement { get; init; }

    /// <summary>10·log10(Σref² / Σ(ref−q)²) over all elements, in dB; +∞ when the outputs are identical.</summary>
    [JsonConverter(typeof(InfinityAsNullJsonConverter))]
    public double SqnrDb { get; init; }

    /// <summary>Mean over samples of each sample's cosine similarity (1 when both are all zero, 0 when only one is).</summary>
    public double MeanCosine { get; init; }

    /// <summary>sqrt(Σ(ref−q)² / Σref²) over all elements; 0 when identical, +∞ for a non-zero output of an all-zero reference.</summary>
    [JsonConverter(typeof(InfinityAsNullJsonConverter))]
    public double RelativeL2Error { get; init; }

    /// <summary>max |ref − q| over all elements.</summary>
    public double MaxAbsError { get; init; }

    /// <summary>SQNR clamped to ±<paramref name="capDb"/>: 200 dB is far above float32 rounding noise (~140 dB).</summary>
    public double SqnrDbCapped(double capDb = 200) => Math.Clamp(SqnrDb, -capDb, capDb);
}
