using System.Text.Json;
using Platform.Data.Entities;

namespace Platform.Web.DataSets;

public sealed record DataSetResponse(
    Guid Id,
    string Name,
    string Sha256,
    long SizeBytes,
    IReadOnlyList<DataSetArrayResponse> Arrays,
    int Samples,
    DateTimeOffset CreatedAt)
{
    internal static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static DataSetResponse From(DataSet d) => new(
        d.Id, d.Name, d.ArtifactSha256, d.SizeBytes,
        JsonSerializer.Deserialize<List<DataSetArrayResponse>>(d.ArraysJson, Json) ?? [],
        d.Samples, d.CreatedAt);
}
