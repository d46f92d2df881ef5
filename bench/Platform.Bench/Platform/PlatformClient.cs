using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Contracts.Api;

namespace Platform.Bench.PlatformLoad;

/// <summary>The few /api/v1 calls the platform benchmark makes, over one HttpClient with enough connections for a burst.</summary>
public sealed class PlatformClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly HttpClient _http;

    public PlatformClient(Uri baseUrl, string token, int connections)
    {
        // One connection per in-flight request: a burst of 200 must not queue inside the client.
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(100) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Uri BaseUrl => _http.BaseAddress!;

    /// <summary>POST /jobs: the status code and, when it was accepted, the job.</summary>
    public async Task<(HttpStatusCode Status, JobResponse? Job, string Body)> SubmitAsync(SubmitJobRequest request, CancellationToken ct = default)
    {
        using var response = await _http.PostAsJsonAsync("api/v1/jobs", request, Json, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var job = response.StatusCode == HttpStatusCode.Accepted ? JsonSerializer.Deserialize<JobResponse>(body, Json) : null;
        return (response.StatusCode, job, body);
    }

    /// <summary>GET /jobs/{id}; null when it answers 404.</summary>
    public async Task<JobResponse?> GetJobAsync(Guid id, CancellationToken ct = default)
    {
        using var response = await _http.GetAsync($"api/v1/jobs/{id}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, $"GET /api/v1/jobs/{id}", ct);
        return await response.Content.ReadFromJsonAsync<JobResponse>(Json, ct);
    }

    public async Task<HttpStatusCode> CancelAsync(Guid id, CancellationToken ct = default)
    {
        using var response = await _http.PostAsync($"api/v1/jobs/{id}/cancel", content: null, ct);
        return response.StatusCode;
    }

    /// <summary>
    /// The id of the team's model or data set (<paramref name="kind"/> "models" or "datasets") with this
    /// name and these bytes, uploading the file first when there is none; so reruns reuse it.
    /// </summary>
    public async Task<(Guid Id, bool Reused)> FindOrUploadAsync(string kind, string name, string path, CancellationToken ct = default)
    {
        string sha;
        await using (var file = File.OpenRead(path))
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));

        using (var list = await _http.GetAsync($"api/v1/{kind}", ct))
        {
            await EnsureAsync(list, $"GET /api/v1/{kind}", ct);
            using var doc = JsonDocument.Parse(await list.Content.ReadAsStringAsync(ct));
            foreach (var item in doc.RootElement.EnumerateArray())
                if (item.GetProperty("name").GetString() == name && item.GetProperty("sha256").GetString() == sha)
                    return (item.GetProperty("id").GetGuid(), true);
        }

        using var form = new MultipartFormDataContent();
        await using var content = File.OpenRead(path);
        form.Add(new StreamContent(content), "file", Path.GetFileName(path));
        form.Add(new StringContent(name), "name");
        using var response = await _http.PostAsync($"api/v1/{kind}", form, ct);
        await EnsureAsync(response, $"POST /api/v1/{kind} ({path})", ct);
        using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return (created.RootElement.GetProperty("id").GetGuid(), false);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(ct);
        throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {body}");
    }

    public void Dispose() => _http.Dispose();
}
