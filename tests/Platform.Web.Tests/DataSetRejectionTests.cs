using System.Net;

namespace Platform.Web.Tests;

/// <summary>Nothing is ever accepted in this class's database.</summary>
public sealed class DataSetRejectionTests(WebAppFixture app) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task Truncated_npz_is_400_and_stores_nothing()
    {
        var npz = DataSetTests.SmallNpz();
        using var client = app.Client(await app.NewTeamTokenAsync("t-npz"));
        var response = await client.PostAsync("/api/v1/datasets", Uploads.Form(npz[..(npz.Length / 2)], "cut.npz", "cut"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("cut.npz", (await response.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal((0L, 0L, 0L, 0L), await Uploads.CountRowsAsync(app.Database));
    }

    [Fact]
    public async Task Corrupt_array_header_is_400_and_stores_nothing()
    {
        var npz = DataSetTests.SmallNpz();
        // The first entry's .npy magic sits right after its local zip header (30 bytes + "x.npy").
        int magic = 30 + "x.npy".Length;
        Assert.Equal(0x93, npz[magic]);
        npz[magic + 1] = (byte)'X';
        using var client = app.Client(await app.NewTeamTokenAsync("t-npy"));
        var response = await client.PostAsync("/api/v1/datasets", Uploads.Form(npz, "bad.npz", "bad"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal((0L, 0L, 0L, 0L), await Uploads.CountRowsAsync(app.Database));
    }
}
