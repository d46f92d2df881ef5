using System.Net.Http.Headers;
using System.Text.Json;

namespace Platform.Web.Tests;

internal static class Uploads
{
    public static MultipartFormDataContent Form(byte[] bytes, string fileName, string? name)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var form = new MultipartFormDataContent { { file, "file", fileName } };
        if (name is not null) form.Add(new StringContent(name), "name");
        return form;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Row counts of the tables an upload writes: all zero after a rejected upload.</summary>
    public static async Task<(long Artifacts, long Chunks, long Models, long DataSets)> CountRowsAsync(PostgresDatabase db) => (
        await db.ScalarAsync<long>("SELECT count(*) FROM platform.artifacts"),
        await db.ScalarAsync<long>("SELECT count(*) FROM platform.artifact_chunks"),
        await db.ScalarAsync<long>("SELECT count(*) FROM platform.models"),
        await db.ScalarAsync<long>("SELECT count(*) FROM platform.data_sets"));
}
