using Platform.Quantization.Tensors;

namespace Platform.Quantization.Evaluation;

/// <summary>
/// Fidelity of a quantized model's outputs against the fp32 reference outputs, added a batch at a time: only running
/// sums are kept (in double), so a data set of any size costs one output row of memory. Pairs where either value is
/// NaN or infinite are counted in <see cref="FidelityMetrics.NonFiniteElements"/> and left out of the sums.
/// </summary>
public sealed class FidelityAccumulator
{
    private long _samples, _elements, _nonFinite, _agree;
    private double _sumRef2, _sumErr2, _sumCos, _maxAbs;

    public long Samples => _samples;

    /// <summary>Adds a batch: both outputs shaped [N, ...] alike (any float type).</summary>
    public void Add(Tensor reference, Tensor quantized)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(quantized);
        if (!reference.Shape.AsSpan().SequenceEqual(quantized.Shape))
            throw new ShapeMismatchException($"The reference output is {TensorShape.Format(reference.Shape)} but the quantized output is {TensorShape.Format(quantized.Shape)}.");
        var (n, len) = OutputRows.Layout(reference, "The reference output");
        var r = new double[len];
        var q = new double[len];
        for (int s = 0; s < n; s++)
        {
            OutputRows.Copy(reference, s, r);
            OutputRows.Copy(quantized, s, q);
            if (OutputRows.ArgMax(r) == OutputRows.ArgMax(q)) _agree++;
            double rr = 0, qq = 0, rq = 0, ee = 0;
            for (int i = 0; i < len; i++)
            {
                double a = r[i], b = q[i];
                if (!double.IsFinite(a) || !double.IsFinite(b)) { _nonFinite++; continue; }
                double e = a - b;
                rr += a * a;
                qq += b * b;
                rq += a * b;
                ee += e * e;
                _elements++;
                if (Math.Abs(e) > _maxAbs) _maxAbs = Math.Abs(e);
            }
            _sumRef2 += rr;
            _sumErr2 += ee;
            _sumCos += Cosine(rr, qq, rq);
        }
        _samples += n;
    }

    /// <summary>Adds another accumulator's sums (batches evaluated in parallel).</summary>
    public void Merge(FidelityAccumulator other)
    {
        _samples += other._samples;
        _elements += other._elements;
        _nonFinite += other._nonFinite;
        _agree += other._agree;
        _sumRef2 += other._sumRef2;
        _sumErr2 += other._sumErr2;
        _sumCos += other._sumCos;
        _maxAbs = Math.Max(_maxAbs, other._maxAbs);
    }

    public FidelityMetrics Result()
    {
        if (_samples == 0) throw new InvalidOperationException("No samples were added: fidelity is undefined.");
        return new FidelityMetrics
        {
            Samples = _samples,
            Elements = _elements,
            NonFiniteElements = _nonFinite,
            Top1Agreement = (double)_agree / _samples,
            SqnrDb = Sqnr(_sumRef2, _sumErr2),
            MeanCosine = _sumCos / _samples,
            RelativeL2Error = _sumErr2 == 0 ? 0 : _sumRef2 == 0 ? double.PositiveInfinity : Math.Sqrt(_sumErr2 / _sumRef2),
            MaxAbsError = _maxAbs,
        };
    }

    /// <summary>SQNR in dB from the signal and error energies: +∞ for no error, −∞ for error on a zero signal.</summary>
    public static double Sqnr(double signalEnergy, double errorEnergy) =>
        errorEnergy == 0 ? double.PositiveInfinity
        : signalEnergy == 0 ? double.NegativeInfinity
        : 10 * Math.Log10(signalEnergy / errorEnergy);

    private static double Cosine(double rr, double qq, double rq) =>
        rr == 0 && qq == 0 ? 1
        : rr == 0 || qq == 0 ? 0
        : Math.Clamp(rq / (Math.Sqrt(rr) * Math.Sqrt(qq)), -1, 1);
}
