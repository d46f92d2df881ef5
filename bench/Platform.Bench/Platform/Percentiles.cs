namespace Platform.Bench.PlatformLoad;

/// <summary>Nearest-rank percentiles of a set of milliseconds, formatted as one table row.</summary>
public sealed class Percentiles(IEnumerable<double> values)
{
    private readonly double[] _sorted = values.Order().ToArray();

    public int Count => _sorted.Length;

    public double At(double p) => _sorted.Length == 0 ? double.NaN : _sorted[Math.Clamp((int)Math.Ceiling(p / 100 * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public double P50 => At(50);
    public double P90 => At(90);
    public double Min => _sorted.Length == 0 ? double.NaN : _sorted[0];
    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];

    public string Row(string label) =>
        Count == 0 ? $"  {label,-52} {"(no samples)",9}"
        : $"  {label,-52} {P50,9:F1} {P90,9:F1} {Min,9:F1} {Max,9:F1} {Count,6}";

    public static string Header(string title) => $"  {title,-52} {"p50 ms",9} {"p90 ms",9} {"min ms",9} {"max ms",9} {"n",6}";
}
