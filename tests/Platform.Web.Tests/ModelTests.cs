using System.Net;
using System.Security.Cryptography;

namespace Platform.Web.Tests;

public sealed class ModelTests(WebAppFixture app) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task Upload_fashion_cnn_gives_201_with_summary_and_stores_the_bytes()
    {
        var bytes = await File.ReadAllBytesAsync(Fixtures.Model("fashion_cnn_bn.onnx"));
        using var client = app.Client(await app.NewTeamTokenAsync("upload-team"));

        var response = await client.PostAsync("/api/v1/models", Uploads.Form(bytes, "fashion_cnn_bn.onnx", "fashion"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var model = await response.JsonAsync();
        var id = model.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/models/{id}", response.Headers.Location?.ToString());
        Assert.Equal("fashion", model.GetProperty("name").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), model.GetProperty("sha256").GetString());
        Assert.Equal(bytes.Length, model.GetProperty("sizeBytes").GetInt64());
        Assert.Equal(4, model.GetProperty("layers").GetArrayLength());
        Assert.Equal(2, model.GetProperty("operators").GetProperty("BatchNormalization").GetInt32());
        Assert.True(model.GetProperty("inputs").GetArrayLength() >= 1);

        Assert.Equal(bytes.Length, await app.Database.ScalarAsync<long>(
            "SELECT sum(octet_length(data)) FROM platform.artifact_chunks WHERE sha256 = $1", model.GetProperty("sha256").GetString()!));

        var got = await (await client.GetAsync($"/api/v1/models/{id}")).JsonAsync();
        Assert.Equal(model.GetProperty("sha256").GetString(), got.GetProperty("sha256").GetString());
        Assert.Equal(4, got.GetProperty("layers").GetArrayLength());
        var list = await (await client.GetAsync("/api/v1/models")).JsonAsync();
        Assert.Equal(id, Assert.Single(list.EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Another_team_gets_404_and_an_empty_list()
    {
        var bytes = await File.ReadAllBytesAsync(Fixtures.Model("fashion_cnn_bn.onnx"));
        using var teamA = app.Client(await app.NewTeamTokenAsync("team-a"));
        using var teamB = app.Client(await app.NewTeamTokenAsync("team-b"));
        var created = await teamA.PostAsync("/api/v1/models", Uploads.Form(bytes, "m.onnx", "a-model"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.JsonAsync()).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.NotFound, (await teamB.GetAsync($"/api/v1/models/{id}")).StatusCode);
        Assert.Equal(0, (await (await teamB.GetAsync("/api/v1/models")).JsonAsync()).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await teamB.DeleteAsync($"/api/v1/models/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await teamA.GetAsync($"/api/v1/models/{id}")).StatusCode);
    }
}
