using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Platform.Quantization.Calibration;

/// <summary>
/// Streaming statistics of one activation: count, min, max and a histogram whose memory never grows.
/// <para>
/// The bins lie on a grid anchored at 0 whose width is a power of two, 2^<see cref="Exponent"/>: grid bin g
/// holds the values in [g·w, (g+1)·w). The histogram keeps a window of <see cref="BinCount"/> consecutive
/// grid bins starting at the bin of the minimum. The exponent is a function of the data's min and max only
/// (the smallest one whose window reaches the maximum), and coarsening a power-of-two grid sums adjacent bins
/// exactly, so observing values in any order, in any batches, or merging observers of any split of the data,
/// gives the identical histogram, min, max and count.
/// </para>
/// NaN and infinite values are counted in <see cref="NonFinite"/> and otherwise ignored.
/// </summary>
public sealed class TensorObserver
{
    public const int DefaultBins = 2048;

    /// <summary>Below this every float is exactly on the grid (the smallest subnormal is 2^-149).</summary>
    internal const int MinExponent = -149;

    /// <summary>Grid indices stay below 2^MantissaSpan·2, exact in a double and far inside a long.</summary>
    private const int MantissaSpan = 52;

    private long[] _counts;
    private long[] _scratch;

    public TensorObserver(int bins = DefaultBins)
    {
        if (bins < 2) throw new ArgumentOutOfRangeException(nameof(bins), bins, "A histogram needs at least 2 bins.");
        _counts = new long[bins];
        _scratch = new long[bins];
    }

    /// <summary>Number of bins in the window (the histogram's resolution and its memory).</summary>
    public int BinCount => _counts.Length;
    /// <summary>Finite values observed.</summary>
    public long Count { get; private set; }
    /// <summary>NaN and ±∞ values seen (not part of the histogram).</summary>
    public long NonFinite { get; private set; }
    /// <summary>Smallest finite value observed (0 when none).</summary>
    public float Min { get; private set; }
    /// <summary>Largest finite value observed (0 when none).</summary>
    public float Max { get; private set; }
    /// <summary>Bin width is 2^Exponent.</summary>
    public int Exponent { get; private set; } = MinExponent;
    /// <summary>Grid index of the window's first bin (the bin holding <see cref="Min"/>).</summary>
    public long FirstBin { get; private set; }

    public double BinWidth => Math.ScaleB(1.0, Exponent);
    public float MaxAbs => Math.Max(Math.Abs(Min), Math.Abs(Max));

    /// <summary>The window's counts; bin k covers [(FirstBin+k)·w, (FirstBin+k+1)·w).</summary>
    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>Bins from the first up to the one holding the maximum (the rest of the window is empty).</summary>
    public ReadOnlySpan<long> OccupiedCounts => Count == 0 ? [] : _counts.AsSpan(0, (int)(GridIndex(Max, Exponent) - FirstBin + 1));

    /// <summary>Adds a batch of values (an activation tensor's data).</summary>
    public void Observe(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return;
        var (lo, hi, finite) = MinMaxFinite(values);
        NonFinite += values.Length - finite;
        if (finite == 0) return;
        Grow(lo, hi);
        Count += finite;

        double scale = Math.ScaleB(1.0, -Exponent);
        long first = FirstBin;
        var counts = _counts;
        ref float x0 = ref MemoryMarshal.GetReference(values);
        for (int i = 0; i < values.Length; i++)
        {
            float x = Unsafe.Add(ref x0, i);
            if (!float.IsFinite(x)) continue;
            counts[(int)((long)Math.Floor(x * scale) - first)]++;
        }
    }

    public void Observe(float[] values) => Observe(values.AsSpan());

    /// <summary>Adds another observer's values (exact: the same as having observed them here).</summary>
    public void Merge(TensorObserver other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.BinCount != BinCount)
            throw new ArgumentException($"Cannot merge a {other.BinCount}-bin histogram into a {BinCount}-bin one: both sides must use the same bin count.", nameof(other));
        NonFinite += other.NonFinite;
        if (other.Count == 0) return;
        Grow(other.Min, other.Max);
        int shift = Exponent - other.Exponent;
        for (int k = 0; k < other._counts.Length; k++)
        {
            long c = other._counts[k];
            if (c == 0) continue;
            _counts[(int)(((other.FirstBin + k) >> shift) - FirstBin)] += c;
        }
        Count += other.Count;
    }

    public TensorObserver Clone()
    {
        var c = new TensorObserver(BinCount) { Count = Count, NonFinite = NonFinite, Min = Min, Max = Max, Exponent = Exponent, FirstBin = FirstBin };
        _counts.CopyTo(c._counts, 0);
        return c;
    }

    public void Reset()
    {
        Array.Clear(_counts);
        Count = 0; NonFinite = 0; Min = 0; Max = 0; Exponent = MinExponent; FirstBin = 0;
    }

    /// <summary>A plain record (System.Text.Json round-trips it) holding only the occupied bins.</summary>
    public HistogramSnapshot ToSnapshot() =>
        new(BinCount, Count, NonFinite, Min, Max, Exponent, FirstBin, OccupiedCounts.ToArray());

    public static TensorObserver FromSnapshot(HistogramSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var o = new TensorObserver(s.Bins);
        if (s.Counts.Length > s.Bins)
            throw new ArgumentException($"The snapshot holds {s.Counts.Length} bins but declares {s.Bins}.", nameof(s));
        long sum = 0;
        foreach (var c in s.Counts)
        {
            if (c < 0) throw new ArgumentException("The snapshot holds a negative bin count.", nameof(s));
            sum += c;
        }
        if (sum != s.Count)
            throw new ArgumentException($"The snapshot's bins sum to {sum} but its count is {s.Count}.", nameof(s));
        if (s.Count > 0 && (s.Exponent != RequiredExponent(s.Min, s.Max, s.Bins) || s.FirstBin != GridIndex(s.Min, s.Exponent)))
            throw new ArgumentException("The snapshot's grid does not match its min and max (not written by this version?).", nameof(s));
        s.Counts.CopyTo(o._counts, 0);
        o.Count = s.Count; o.NonFinite = s.NonFinite; o.Min = s.Min; o.Max = s.Max;
        o.Exponent = s.Count > 0 ? s.Exponent : MinExponent;
        o.FirstBin = s.Count > 0 ? s.FirstBin : 0;
        return o;
    }

    /// <summary>Compact form for moving a histogram between processes: varint-encoded occupied bins.</summary>
    public byte[] ToBytes() => ToSnapshot().ToBytes();

    public static TensorObserver FromBytes(ReadOnlySpan<byte> bytes) => FromSnapshot(HistogramSnapshot.FromBytes(bytes));

    /// <summary>Extends min/max and, when they need it, moves the window and coarsens the grid (exactly).</summary>
    private void Grow(float lo, float hi)
    {
        float newMin = Count == 0 ? lo : Math.Min(Min, lo);
        float newMax = Count == 0 ? hi : Math.Max(Max, hi);
        int e = RequiredExponent(newMin, newMax, BinCount);
        long first = GridIndex(newMin, e);
        if (Count > 0 && (e != Exponent || first != FirstBin))
        {
            int shift = e - Exponent;
            Array.Clear(_scratch);
            for (int k = 0; k < _counts.Length; k++)
            {
                long c = _counts[k];
                if (c != 0) _scratch[(int)(((FirstBin + k) >> shift) - first)] += c;
            }
            (_counts, _scratch) = (_scratch, _counts);
        }
        Min = newMin; Max = newMax; Exponent = e; FirstBin = first;
    }

    internal static long GridIndex(float x, int exponent) => (long)Math.Floor(x * Math.ScaleB(1.0, -exponent));

    /// <summary>
    /// The smallest exponent (not below <see cref="MinExponent"/>, and coarse enough that grid indices stay
    /// exact) whose window of <paramref name="bins"/> bins starting at min's bin reaches max's bin.
    /// Every condition only gets harder as min falls or max rises, so the result depends on the data's
    /// range alone, never on the order it arrived in.
    /// </summary>
    internal static int RequiredExponent(float min, float max, int bins)
    {
        float maxAbs = Math.Max(Math.Abs(min), Math.Abs(max));
        int e = MinExponent;
        if (maxAbs > 0) e = Math.Max(e, Math.ILogB(maxAbs) + 1 - MantissaSpan);
        double span = (double)max - min;
        if (span > 0) e = Math.Max(e, Math.ILogB(span / bins) - 1);
        while (GridIndex(max, e) - GridIndex(min, e) >= bins) e++;
        return e;
    }

    private static (float Min, float Max, long Finite) MinMaxFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        var vmin = new Vector<float>(float.PositiveInfinity);
        var vmax = new Vector<float>(float.NegativeInfinity);
        bool allFinite = true;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var inf = new Vector<float>(float.PositiveInfinity);
            var span = MemoryMarshal.Cast<float, Vector<float>>(values);
            foreach (var v in span)
            {
                // NaN fails the comparison and ±∞ reaches it: both mark the batch for the slow path.
                if (!Vector.LessThanAll(Vector.Abs(v), inf)) { allFinite = false; break; }
                vmin = Vector.Min(vmin, v);
                vmax = Vector.Max(vmax, v);
            }
            if (allFinite) i = span.Length * Vector<float>.Count;
        }
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        if (allFinite && i > 0)
            for (int j = 0; j < Vector<float>.Count; j++) { lo = Math.Min(lo, vmin[j]); hi = Math.Max(hi, vmax[j]); }
        else i = 0;
        long finite = i;
        for (; i < values.Length; i++)
        {
            float x = values[i];
            if (!float.IsFinite(x)) continue;
            finite++;
            if (x < lo) lo = x;
            if (x > hi) hi = x;
        }
        // -0 and +0 compare equal, so which one survived depends on the order seen; keep +0 always.
        return (lo + 0f, hi + 0f, finite);
    }
}
