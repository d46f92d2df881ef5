using System.Net;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Tensors;

namespace Platform.Web.Tests;

public sealed class DataSetTests(WebAppFixture app) : IClassFixture<WebAppFixture>
{
    /// <summary>5 samples: x float32 [5,1,2,3], y int64 [5].</summary>
    internal static byte[] SmallNpz()
    {
        var path = Path.Combine(Path.GetTempPath(), $"web-test-{Guid.NewGuid():N}.npz");
        try
        {
            using (var w = NpzWriter.Create(path))
            {
                w.WriteArray("x", Tensor.FromArray(Enumerable.Range(0, 30).Select(i => i * 0.5f).ToArray(), 5, 1, 2, 3));
                w.WriteArray("y", Tensor.FromArray(new long[] { 0, 1, 2, 3, 4 }, 5));
            }
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Npz_upload_lists_arrays_and_samples_for_its_team_only()
    {
        using var client = app.Client(await app.NewTeamTokenAsync("data-team"));
        var response = await client.PostAsync("/api/v1/datasets", Uploads.Form(SmallNpz(), "calib.npz", "calib"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal("calib", body.GetProperty("name").GetString());
        Assert.Equal(5, body.GetProperty("samples").GetInt32());
        var arrays = body.GetProperty("arrays").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!);
        Assert.Equal(["x", "y"], arrays.Keys.Order());
        Assert.Equal("<f4", arrays["x"].GetProperty("dtype").GetString());
        Assert.Equal([5, 1, 2, 3], arrays["x"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal("<i8", arrays["y"].GetProperty("dtype").GetString());
        Assert.Equal([5], arrays["y"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));

        var got = await (await client.GetAsync($"/api/v1/datasets/{id}")).JsonAsync();
        Assert.Equal(5, got.GetProperty("samples").GetInt32());
        Assert.Equal(id, Assert.Single((await (await client.GetAsync("/api/v1/datasets")).JsonAsync()).EnumerateArray()).GetProperty("id").GetGuid());

        using var other = app.Client(await app.NewTeamTokenAsync("other-team"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/datasets/{id}")).StatusCode);
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/datasets")).JsonAsync()).GetArrayLength());
    }
}
