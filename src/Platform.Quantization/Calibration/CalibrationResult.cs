namespace Platform.Quantization.Calibration;

/// <summary>
/// Value name → observer. Results of separate runs (batches split across threads or workers) merge exactly;
/// <see cref="ToSnapshots"/> and <see cref="FromSnapshots"/> carry a result between processes.
/// </summary>
public sealed class CalibrationResult
{
    private readonly Dictionary<string, TensorObserver> _observers;
    private readonly List<string> _order;

    /// <summary>Wraps the observers (not copied); names keep the order given.</summary>
    public CalibrationResult(IEnumerable<KeyValuePair<string, TensorObserver>> observers)
    {
        ArgumentNullException.ThrowIfNull(observers);
        _observers = new Dictionary<string, TensorObserver>(StringComparer.Ordinal);
        _order = [];
        foreach (var (name, o) in observers)
        {
            if (!_observers.TryAdd(name, o ?? throw new ArgumentException($"Value '{name}' has no observer.", nameof(observers))))
                throw new ArgumentException($"Value '{name}' appears twice.", nameof(observers));
            _order.Add(name);
        }
    }

    /// <summary>Observed value names, in plan order.</summary>
    public IReadOnlyList<string> Names => _order;
    public IReadOnlyDictionary<string, TensorObserver> Observers => _observers;
    public TensorObserver this[string name] => _observers.TryGetValue(name, out var o) ? o
        : throw new KeyNotFoundException($"Value '{name}' was not calibrated.");
    public bool Contains(string name) => _observers.ContainsKey(name);

    /// <summary>A new result holding both sides' data (neither side changes); values observed by one side only are kept.</summary>
    public CalibrationResult Merge(CalibrationResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var merged = _order.Select(n => new KeyValuePair<string, TensorObserver>(n, _observers[n].Clone())).ToList();
        var index = merged.Select((kv, i) => (kv.Key, i)).ToDictionary(x => x.Key, x => x.i, StringComparer.Ordinal);
        foreach (var name in other._order)
        {
            if (index.TryGetValue(name, out var i))
            {
                var mine = merged[i].Value;
                if (mine.BinCount != other._observers[name].BinCount)
                    throw new ArgumentException($"Value '{name}' was observed with {mine.BinCount} bins on one side and {other._observers[name].BinCount} on the other.", nameof(other));
                mine.Merge(other._observers[name]);
            }
            else merged.Add(new(name, other._observers[name].Clone()));
        }
        return new CalibrationResult(merged);
    }

    public ValueCalibration Calibrate(string name, CalibrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = this[name];
        var range = RangeMethods.Compute(o, options);
        return new ValueCalibration(name, o.Count, o.NonFinite, o.Min, o.Max, options.Method, options.Bits, options.Symmetric,
            range, RangeMethods.ClippedFraction(o, range));
    }

    /// <summary>Every value's statistics and chosen range, in plan order.</summary>
    public IReadOnlyList<ValueCalibration> Calibrate(CalibrationOptions options) => _order.Select(n => Calibrate(n, options)).ToArray();

    public Dictionary<string, HistogramSnapshot> ToSnapshots() =>
        _order.ToDictionary(n => n, n => _observers[n].ToSnapshot(), StringComparer.Ordinal);

    public static CalibrationResult FromSnapshots(IEnumerable<KeyValuePair<string, HistogramSnapshot>> snapshots) =>
        new(snapshots.Select(kv => new KeyValuePair<string, TensorObserver>(kv.Key, TensorObserver.FromSnapshot(kv.Value))));
}
