using System.Net;

namespace Platform.Web.Tests;

public sealed class ModelDeleteTests(WebAppFixture app) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task Delete_keeps_shared_bytes_until_the_last_model_goes()
    {
        var bytes = await File.ReadAllBytesAsync(Fixtures.Model("fashion_cnn_bn.onnx"));
        using var client = app.Client(await app.NewTeamTokenAsync("deleters"));
        var first = (await (await client.PostAsync("/api/v1/models", Uploads.Form(bytes, "a.onnx", "a"))).JsonAsync()).GetProperty("id").GetGuid();
        var second = (await (await client.PostAsync("/api/v1/models", Uploads.Form(bytes, "b.onnx", "b"))).JsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(1, await app.Database.ScalarAsync<long>("SELECT count(*) FROM platform.artifacts"));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/models/{first}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/models/{first}")).StatusCode);
        Assert.Equal(1, await app.Database.ScalarAsync<long>("SELECT count(*) FROM platform.artifacts"));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/models/{second}")).StatusCode);
        Assert.Equal((0L, 0L, 0L, 0L), await Uploads.CountRowsAsync(app.Database));
    }
}
