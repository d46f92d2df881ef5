namespace Platform.Cli;

/// <summary>Positional arguments and `--name value` / `--flag` options of one command.</summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    public List<string> Positional { get; } = [];

    public static CliArguments Parse(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        var r = new CliArguments();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var a = e.Current;
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                var name = a[2..];
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                else if (!flags.Contains(name))
                {
                    if (!e.MoveNext()) throw new CliException($"Option --{name} needs a value.");
                    value = e.Current;
                }
                r._options[name] = value;
            }
            else r.Positional.Add(a);
        }
        return r;
    }

    public bool Flag(string name) => _options.ContainsKey(name);
    public string? Option(string name) => _options.GetValueOrDefault(name);
    public string Required(string name) => Option(name) ?? throw new CliException($"Option --{name} is required.");
    public IEnumerable<string> OptionNames => _options.Keys;

    public int Int(string name, int fallback)
    {
        var v = Option(name);
        if (v is null) return fallback;
        return int.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var i) && i >= 0
            ? i : throw new CliException($"Option --{name} must be a non-negative integer, not '{v}'.");
    }

    public void RejectUnknown(params string[] known)
    {
        foreach (var o in _options.Keys)
            if (!known.Contains(o)) throw new CliException($"Unknown option --{o}.");
    }
}
