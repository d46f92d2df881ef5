using System.Net;
using System.Net.Http.Json;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Tensors;

namespace Platform.Web.Tests.Jobs;

/// <summary>A team with the digits MLP (input x [N,64]) and data sets that fit it or do not.</summary>
internal sealed record JobTestData(HttpClient Client, Guid ModelId, Guid DataSetId)
{
    public static async Task<JobTestData> CreateAsync(WebAppFixture app, string team)
    {
        var client = app.Client(await app.NewTeamTokenAsync(team));
        var modelId = await UploadModelAsync(client, "digits_mlp.onnx", "digits");
        var dataSetId = await UploadDataSetAsync(client, Npz(("x", [6, 64]), ("y", [6])), "digits-data");
        return new JobTestData(client, modelId, dataSetId);
    }

    public static async Task<Guid> UploadModelAsync(HttpClient client, string fixture, string name)
    {
        var response = await client.PostAsync("/api/v1/models", Uploads.Form(File.ReadAllBytes(Fixtures.Model(fixture)), fixture, name));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("id").GetGuid();
    }

    public static async Task<Guid> UploadDataSetAsync(HttpClient client, byte[] npz, string name)
    {
        var response = await client.PostAsync("/api/v1/datasets", Uploads.Form(npz, name + ".npz", name));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("id").GetGuid();
    }

    /// <summary>An .npz with the named arrays: float32 inputs, int64 for "y", filled with small values.</summary>
    public static byte[] Npz(params (string Name, int[] Shape)[] arrays)
    {
        var path = Path.Combine(Path.GetTempPath(), $"jobs-test-{Guid.NewGuid():N}.npz");
        try
        {
            using (var w = NpzWriter.Create(path))
            {
                foreach (var (name, shape) in arrays)
                {
                    int n = shape.Aggregate(1, (a, b) => a * b);
                    w.WriteArray(name, name == "y"
                        ? Tensor.FromArray(Enumerable.Range(0, n).Select(i => (long)(i % 10)).ToArray(), shape)
                        : Tensor.FromArray(Enumerable.Range(0, n).Select(i => i % 17 / 16f).ToArray(), shape));
                }
            }
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A weight-only int4 job (no calibration needed) on <paramref name="device"/>.</summary>
    public object Job(string device = "cpu", object? spec = null) =>
        new { kind = "quantize", modelId = ModelId, evaluationDatasetId = DataSetId, spec = spec ?? "int4", device };

    public async Task<HttpResponseMessage> SubmitAsync(object body) => await Client.PostAsJsonAsync("/api/v1/jobs", body);
}
