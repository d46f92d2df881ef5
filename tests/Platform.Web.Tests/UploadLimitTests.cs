using System.Net;

namespace Platform.Web.Tests;

public sealed class UploadLimitTests(SmallLimitWebAppFixture app) : IClassFixture<SmallLimitWebAppFixture>
{
    [Theory]
    [InlineData("/api/v1/models")]
    [InlineData("/api/v1/datasets")]
    public async Task Over_the_configured_limit_is_413_and_stores_nothing(string path)
    {
        var bytes = await File.ReadAllBytesAsync(Fixtures.Model("fashion_cnn_bn.onnx"));
        Assert.True(bytes.Length > SmallLimitWebAppFixture.Limit);
        using var client = app.Client(await app.NewTeamTokenAsync("t-413-" + path.Length));
        var response = await client.PostAsync(path, Uploads.Form(bytes, "big.bin", "big"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains(SmallLimitWebAppFixture.Limit.ToString(), (await response.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal((0L, 0L, 0L, 0L), await Uploads.CountRowsAsync(app.Database));
    }
}
