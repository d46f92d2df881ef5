using System.Net;
using System.Text;

namespace Platform.Web.Tests;

/// <summary>Nothing is ever accepted in this class's database, so every table an upload touches must stay empty.</summary>
public sealed class ModelRejectionTests(WebAppFixture app) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task Unsupported_operator_is_422_naming_it()
    {
        var bytes = await File.ReadAllBytesAsync(Fixtures.Model("unsupported_op.onnx"));
        using var client = app.Client(await app.NewTeamTokenAsync("t-422"));
        var response = await client.PostAsync("/api/v1/models", Uploads.Form(bytes, "unsupported_op.onnx", "bad"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Contains("Det", problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("unsupportedOperators").TryGetProperty("Det", out _));
        Assert.Equal((0L, 0L, 0L, 0L), await Uploads.CountRowsAsync(app.Database));
    }

    [Theory]
    [InlineData(1234, 10_000)]
    [InlineData(1, 1)]
    [InlineData(2, 17)]
    [InlineData(3, 300)]
    [InlineData(4, 4096)]
    [InlineData(5, 65_537)]
    public async Task Random_bytes_are_400_naming_the_problem(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        using var client = app.Client(await app.NewTeamTokenAsync($"t-400-{seed}"));
        var response = await client.PostAsync("/api/v1/models", Uploads.Form(bytes, "noise.onnx", "noise"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.JsonAsync()).GetProperty("detail").GetString();
        Assert.Contains("noise.onnx", detail);
        Assert.Equal((0L, 0L, 0L, 0L), await Uploads.CountRowsAsync(app.Database));
    }

    [Fact]
    public async Task Truncated_model_is_400()
    {
        var bytes = await File.ReadAllBytesAsync(Fixtures.Model("fashion_cnn_bn.onnx"));
        using var client = app.Client(await app.NewTeamTokenAsync("t-trunc"));
        var response = await client.PostAsync("/api/v1/models", Uploads.Form(bytes[..(bytes.Length / 2)], "half.onnx", "half"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal((0L, 0L, 0L, 0L), await Uploads.CountRowsAsync(app.Database));
    }

    [Fact]
    public async Task Missing_file_part_is_400_and_a_json_body_415()
    {
        using var client = app.Client(await app.NewTeamTokenAsync("t-form"));
        var noFile = new MultipartFormDataContent { { new StringContent("x"), "name" } };
        var response = await client.PostAsync("/api/v1/models", noFile);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'file'", (await response.JsonAsync()).GetProperty("detail").GetString());

        var json = await client.PostAsync("/api/v1/models", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal("application/problem+json", json.Content.Headers.ContentType?.MediaType);
        Assert.Equal((0L, 0L, 0L, 0L), await Uploads.CountRowsAsync(app.Database));
    }
}
