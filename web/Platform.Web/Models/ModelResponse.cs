using System.Text.Json;
using Platform.Data.Entities;
using Platform.Quantization.Inspection;

namespace Platform.Web.Models;

/// <summary>A model as the API shows it: the stored file and the engine's summary of it.</summary>
public sealed record ModelResponse(
    Guid Id,
    string Name,
    string Sha256,
    long SizeBytes,
    IReadOnlyList<ValueSummary> Inputs,
    IReadOnlyList<LayerSummary> Layers,
    IReadOnlyDictionary<string, int> Operators,
    DateTimeOffset CreatedAt)
{
    /// <summary>How the summary is kept in the jsonb columns: the same shape the API returns.</summary>
    internal static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static ModelResponse From(Model m) => new(
        m.Id, m.Name, m.ArtifactSha256, m.SizeBytes,
        JsonSerializer.Deserialize<List<ValueSummary>>(m.InputsJson, Json) ?? [],
        JsonSerializer.Deserialize<List<LayerSummary>>(m.LayersJson, Json) ?? [],
        JsonSerializer.Deserialize<Dictionary<string, int>>(m.OperatorsJson, Json) ?? [],
        m.CreatedAt);
}
