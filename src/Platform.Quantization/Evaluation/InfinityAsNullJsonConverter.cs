using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Quantization.Evaluation;

/// <summary>Writes a non-finite double as JSON null and reads null as +∞ (JSON has no Infinity).</summary>
public sealed class InfinityAsNullJsonConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.PositiveInfinity : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteNullValue();
    }

    public override bool HandleNull => true;
}
