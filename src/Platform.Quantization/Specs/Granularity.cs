using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Quantization.Specs;

/// <summary>
/// Which weights share a scale: the whole tensor, one output channel, or groups of
/// <see cref="GroupSize"/> consecutive elements along the input dimension of one output channel.
/// Serialised as "per-tensor", "per-channel" or "per-group:32".
/// </summary>
[JsonConverter(typeof(NameConverter))]
public sealed record Granularity
{
    public GranularityKind Kind { get; }

    /// <summary>Elements per group for <see cref="GranularityKind.PerGroup"/>; 0 otherwise.</summary>
    public int GroupSize { get; }

    private Granularity(GranularityKind kind, int groupSize)
    {
        Kind = kind;
        GroupSize = groupSize;
    }

    public static Granularity PerTensor { get; } = new(GranularityKind.PerTensor, 0);
    public static Granularity PerChannel { get; } = new(GranularityKind.PerChannel, 0);

    public static Granularity PerGroup(int groupSize) => groupSize >= 1
        ? new Granularity(GranularityKind.PerGroup, groupSize)
        : throw new ArgumentOutOfRangeException(nameof(groupSize), groupSize, "A quantization group needs at least one element.");

    public string Name => Kind switch
    {
        GranularityKind.PerTensor => "per-tensor",
        GranularityKind.PerChannel => "per-channel",
        _ => string.Create(CultureInfo.InvariantCulture, $"per-group:{GroupSize}"),
    };

    public override string ToString() => Name;

    /// <exception cref="FormatException">Not a known granularity; the message quotes it.</exception>
    public static Granularity Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string s = name.Trim().ToLowerInvariant();
        if (s is "per-tensor" or "pertensor" or "tensor") return PerTensor;
        if (s is "per-channel" or "perchannel" or "channel") return PerChannel;
        if (s.StartsWith("per-group:", StringComparison.Ordinal))
        {
            if (int.TryParse(s["per-group:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int g) && g >= 1)
                return PerGroup(g);
            throw new FormatException($"Granularity '{name}': the group size must be a positive integer, as in per-group:32.");
        }
        throw new FormatException($"Unknown granularity '{name}' (expected per-tensor, per-channel or per-group:G).");
    }

    internal sealed class NameConverter : JsonConverter<Granularity>
    {
        public override Granularity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException($"A granularity must be a string such as \"per-channel\" or \"per-group:32\", not {reader.TokenType}.");
            try { return Parse(reader.GetString()!); }
            catch (FormatException e) { throw new JsonException(e.Message, e); }
        }

        public override void Write(Utf8JsonWriter writer, Granularity value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Name);
    }
}
