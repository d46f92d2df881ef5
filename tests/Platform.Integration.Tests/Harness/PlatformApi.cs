using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Contracts.Api;

namespace Platform.Integration.Tests.Harness;

/// <summary>The REST calls the tests make, over one team's bearer token, decoding what the API documents.</summary>
public sealed class PlatformApi(HttpClient http) : IDisposable
{
    /// <summary>The web app's JSON: camelCase, enums as camelCase strings.</summary>
    public static readonly JsonSerializerOptions Json = CreateJson();

    public HttpClient Http { get; } = http;

    public static MultipartFormDataContent Form(byte[] bytes, string fileName, string? name = null)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var form = new MultipartFormDataContent { { file, "file", fileName } };
        if (name is not null) form.Add(new StringContent(name), "name");
        return form;
    }

    public Task<HttpResponseMessage> PostModelAsync(byte[] bytes, string fileName, string? name = null) =>
        Http.PostAsync("/api/v1/models", Form(bytes, fileName, name));

    public Task<HttpResponseMessage> PostDataSetAsync(byte[] bytes, string fileName, string? name = null) =>
        Http.PostAsync("/api/v1/datasets", Form(bytes, fileName, name));

    /// <summary>Uploads a model that must be accepted; returns its id.</summary>
    public async Task<Guid> CreateModelAsync(string path, string? name = null)
    {
        var response = await PostModelAsync(await File.ReadAllBytesAsync(path), Path.GetFileName(path), name);
        return await CreatedIdAsync(response, path);
    }

    /// <summary>Uploads a data set that must be accepted; returns its id.</summary>
    public async Task<Guid> CreateDataSetAsync(string path, string? name = null)
    {
        var response = await PostDataSetAsync(await File.ReadAllBytesAsync(path), Path.GetFileName(path), name);
        return await CreatedIdAsync(response, path);
    }

    /// <summary>Uploads data set bytes that must be accepted; returns the id.</summary>
    public async Task<Guid> CreateDataSetAsync(byte[] bytes, string fileName) =>
        await CreatedIdAsync(await PostDataSetAsync(bytes, fileName), fileName);

    public Task<HttpResponseMessage> PostJobAsync(object body) => Http.PostAsJsonAsync("/api/v1/jobs", body, Json);

    /// <summary>Submits an int8 (or <paramref name="spec"/>) quantize job that must be accepted (202).</summary>
    public async Task<JobResponse> SubmitQuantizeAsync(Guid modelId, Guid calibrationId, Guid evaluationId, string spec = "int8", string device = "cpu")
    {
        var response = await PostJobAsync(QuantizeBody(modelId, calibrationId, evaluationId, spec, device));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /api/v1/jobs answered {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JobResponse>(text, Json)!;
    }

    public static object QuantizeBody(Guid modelId, Guid calibrationId, Guid evaluationId, string spec = "int8", string device = "cpu") => new
    {
        kind = "quantize",
        modelId,
        calibrationDatasetId = calibrationId,
        evaluationDatasetId = evaluationId,
        spec,
        device,
    };

    public Task<JobResponse> GetJobAsync(Guid id) => GetAsync<JobResponse>($"/api/v1/jobs/{id}");

    public Task<VariantResponse> GetVariantAsync(Guid id) => GetAsync<VariantResponse>($"/api/v1/variants/{id}");

    public Task<List<VariantResponse>> VariantsOfAsync(Guid modelId) => GetAsync<List<VariantResponse>>($"/api/v1/variants?modelId={modelId}");

    /// <summary>GET that must answer 200; the body decoded as <typeparamref name="T"/>.</summary>
    public async Task<T> GetAsync<T>(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<T>(text, Json)!;
    }

    public static async Task<JsonElement> JsonOfAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            Assert.Fail($"{(int)response.StatusCode} answered with a body that is not JSON: '{text}'");
            throw;
        }
    }

    public void Dispose() => Http.Dispose();

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload of {what} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    private static JsonSerializerOptions CreateJson()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return o;
    }
}
