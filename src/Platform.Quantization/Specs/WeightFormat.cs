using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Quantization.Specs;

/// <summary>
/// A layer's weight storage format. Its <see cref="Name"/> is the serialised form: "fp32", "fp16", "bf16",
/// "int8", "int4", "int2", "binary", "pq:k=256,d=4" ("pq" or "pq:k=256" leave the sub-vector size d to
/// the quantizer, which picks it from the weight's shape).
/// </summary>
[JsonConverter(typeof(NameConverter))]
public sealed record WeightFormat
{
    public const int DefaultPqK = 256;

    public WeightFormatKind Kind { get; }

    /// <summary>Product quantization: codebook size (centroids). 0 for other formats.</summary>
    public int K { get; }

    /// <summary>Product quantization: sub-vector length, or null to let the quantizer choose it from the shape.</summary>
    public int? D { get; }

    private WeightFormat(WeightFormatKind kind, int k = 0, int? d = null)
    {
        Kind = kind;
        K = k;
        D = d;
    }

    public static WeightFormat Fp32 { get; } = new(WeightFormatKind.Fp32);
    public static WeightFormat Fp16 { get; } = new(WeightFormatKind.Fp16);
    public static WeightFormat Bf16 { get; } = new(WeightFormatKind.Bf16);
    public static WeightFormat Int8 { get; } = new(WeightFormatKind.Int8);
    public static WeightFormat Int4 { get; } = new(WeightFormatKind.Int4);
    public static WeightFormat Int2 { get; } = new(WeightFormatKind.Int2);
    public static WeightFormat Binary { get; } = new(WeightFormatKind.Binary);

    public static WeightFormat Pq(int k = DefaultPqK, int? d = null)
    {
        if (k < 1 || k > 65536) throw new ArgumentOutOfRangeException(nameof(k), k, "Product quantization needs 1 <= k <= 65536 centroids.");
        if (d is < 1) throw new ArgumentOutOfRangeException(nameof(d), d, "Product quantization needs a sub-vector length d >= 1.");
        return new WeightFormat(WeightFormatKind.Pq, k, d);
    }

    /// <summary>Bits of an integer code (8, 4, 2, 1 for binary); 0 for float and PQ formats.</summary>
    public int IntegerBits => Kind switch
    {
        WeightFormatKind.Int8 => 8,
        WeightFormatKind.Int4 => 4,
        WeightFormatKind.Int2 => 2,
        WeightFormatKind.Binary => 1,
        _ => 0,
    };

    /// <summary>True for int8/int4/int2: the uniform affine formats that use a granularity and symmetry.</summary>
    public bool IsAffineInteger => Kind is WeightFormatKind.Int8 or WeightFormatKind.Int4 or WeightFormatKind.Int2;

    public string Name => Kind switch
    {
        WeightFormatKind.Pq => D is int d
            ? string.Create(CultureInfo.InvariantCulture, $"pq:k={K},d={d}")
            : string.Create(CultureInfo.InvariantCulture, $"pq:k={K}"),
        _ => Kind.ToString().ToLowerInvariant(),
    };

    public override string ToString() => Name;

    /// <summary>Parses a name as written by <see cref="Name"/> (case-insensitive, spaces ignored).</summary>
    /// <exception cref="FormatException">The name is not a known format; the message quotes it.</exception>
    public static WeightFormat Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string s = name.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        switch (s)
        {
            case "fp32" or "float32" or "float": return Fp32;
            case "fp16" or "float16" or "half": return Fp16;
            case "bf16" or "bfloat16": return Bf16;
            case "int8": return Int8;
            case "int4": return Int4;
            case "int2": return Int2;
            case "binary": return Binary;
            case "pq": return Pq();
        }
        if (!s.StartsWith("pq:", StringComparison.Ordinal))
            throw new FormatException($"Unknown weight format '{name}' (expected fp32, fp16, bf16, int8, int4, int2, binary or pq:k=K,d=D).");
        int k = DefaultPqK;
        int? d = null;
        foreach (var part in s[3..].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=');
            if (kv.Length != 2 || !int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out int v))
                throw new FormatException($"Weight format '{name}': '{part}' is not key=integer (expected pq:k=K,d=D).");
            switch (kv[0])
            {
                case "k":
                    if (v < 1 || v > 65536) throw new FormatException($"Weight format '{name}': k={v} is out of range 1..65536.");
                    k = v;
                    break;
                case "d":
                    if (v < 1) throw new FormatException($"Weight format '{name}': d={v} must be at least 1.");
                    d = v;
                    break;
                default:
                    throw new FormatException($"Weight format '{name}': unknown parameter '{kv[0]}' (expected k and d).");
            }
        }
        return Pq(k, d);
    }

    internal sealed class NameConverter : JsonConverter<WeightFormat>
    {
        public override WeightFormat Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException($"A weight format must be a string such as \"int8\" or \"pq:k=256,d=4\", not {reader.TokenType}.");
            try { return Parse(reader.GetString()!); }
            catch (FormatException e) { throw new JsonException(e.Message, e); }
        }

        public override void Write(Utf8JsonWriter writer, WeightFormat value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Name);
    }
}
