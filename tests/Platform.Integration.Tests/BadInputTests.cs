using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Integration.Tests.Harness;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Tensors;

namespace Platform.Integration.Tests;

/// <summary>
/// Acceptance: bad input over HTTP gets a 4xx whose message names the problem, and leaves no new rows in
/// models, data_sets, jobs, artifacts or artifact_chunks.
/// </summary>
public sealed class BadInputTests(SmallUploadLimitHarness platform) : IClassFixture<SmallUploadLimitHarness>
{
    [Fact]
    public async Task Bytes_that_are_not_onnx_are_400_naming_the_file()
    {
        using var api = platform.Api((await platform.ValidInputsAsync()).Token);
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        var problem = await RejectedAsync(() => api.PostModelAsync(bytes, "noise.onnx", "noise"), HttpStatusCode.BadRequest);
        Assert.Contains("noise.onnx", problem);
    }

    [Fact]
    public async Task Truncated_model_is_400_naming_the_file()
    {
        using var api = platform.Api((await platform.ValidInputsAsync()).Token);
        var bytes = await File.ReadAllBytesAsync(FashionMnistSets.Model);
        var problem = await RejectedAsync(() => api.PostModelAsync(bytes[..(bytes.Length * 2 / 3)], "cut.onnx", "cut"), HttpStatusCode.BadRequest);
        Assert.Contains("cut.onnx", problem);
    }

    [Theory]
    [InlineData("/api/v1/models")]
    [InlineData("/api/v1/datasets")]
    public async Task Upload_over_the_limit_is_413_naming_the_limit(string path)
    {
        using var api = platform.Api((await platform.ValidInputsAsync()).Token);
        var bytes = new byte[SmallUploadLimitHarness.Limit + 200_000];
        new Random(11).NextBytes(bytes);
        var problem = await RejectedAsync(() => api.Http.PostAsync(path, PlatformApi.Form(bytes, "big.bin", "big")), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains(SmallUploadLimitHarness.Limit.ToString(), problem.Replace(",", "").Replace(" ", ""));
    }

    [Fact]
    public async Task Job_with_a_data_set_whose_shape_does_not_fit_the_model_is_4xx_naming_the_input_and_shape()
    {
        var (token, modelId, _) = await platform.ValidInputsAsync();
        using var api = platform.Api(token);
        var model = await api.GetAsync<JsonElement>($"/api/v1/models/{modelId}");
        var input = model.GetProperty("inputs")[0].GetProperty("name").GetString()!;
        // 14×14 images where the model takes 28×28: a valid .npz, the wrong data for this model.
        var wrongId = await api.CreateDataSetAsync(WrongShapeNpz(), "small-14x14.npz");

        var problem = await RejectedAsync(() => api.PostJobAsync(PlatformApi.QuantizeBody(modelId, wrongId, wrongId)), null);
        Assert.Contains(input, problem);
        Assert.Contains("14", problem);
    }

    public static TheoryData<string, string, string> MalformedJobBodies => new()
    {
        // body, what the message must name, a label for the test name
        { "{\"kind\": \"quantize\", \"modelId\": ", "JSON", "truncated JSON" },
        { "{\"kind\": \"quantize\", \"modelId\": \"not-a-guid\", \"spec\": \"int8\"}", "modelId", "modelId not a guid" },
        { "{\"kind\": \"quantize\", \"spec\": \"int8\", \"device\": \"cpu\"}", "modelId", "no modelId" },
        { "{\"kind\": \"quantize\", \"modelId\": \"MODEL\", \"calibrationDatasetId\": \"DATA\", \"evaluationDatasetId\": \"DATA\", \"spec\": \"int9\", \"device\": \"cpu\"}", "int9", "unknown preset" },
        { "{\"kind\": \"quantize\", \"modelId\": \"MODEL\", \"calibrationDatasetId\": \"DATA\", \"evaluationDatasetId\": \"DATA\", \"spec\": \"int8\", \"device\": \"tpu\"}", "device", "unknown device" },
        { "{\"kind\": \"quantize\", \"modelId\": \"5f0c2c55-0000-4000-8000-000000000000\", \"calibrationDatasetId\": \"DATA\", \"evaluationDatasetId\": \"DATA\", \"spec\": \"int8\"}", "5f0c2c55-0000-4000-8000-000000000000", "unknown model" },
        { "{\"kind\": \"quantize\", \"modelId\": \"MODEL\", \"evaluationDatasetId\": \"6e0c2c55-0000-4000-8000-000000000000\", \"spec\": \"int8\"}", "6e0c2c55-0000-4000-8000-000000000000", "unknown data set" },
    };

    [Theory]
    [MemberData(nameof(MalformedJobBodies))]
    public async Task Malformed_job_body_is_4xx_naming_the_problem(string body, string named, string label)
    {
        Assert.NotEmpty(label);
        var (token, modelId, dataId) = await platform.ValidInputsAsync();
        using var api = platform.Api(token);
        var json = body.Replace("MODEL", modelId.ToString()).Replace("DATA", dataId.ToString());
        var problem = await RejectedAsync(() => api.Http.PostAsync("/api/v1/jobs", new StringContent(json, Encoding.UTF8, "application/json")), null);
        Assert.True(problem.Contains(named, StringComparison.OrdinalIgnoreCase), $"the answer to {label} does not name '{named}': {problem}");
    }

    /// <summary>
    /// Sends the request and checks: the status (or any 4xx when null), a ProblemDetails body, and unchanged row
    /// counts. Returns the problem's title and detail (and any other fields) as one string for the caller to check.
    /// </summary>
    private async Task<string> RejectedAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode? expected)
    {
        var before = await RowCounts.ReadAsync(platform.Database);
        using var response = await send();
        var text = await response.Content.ReadAsStringAsync();
        if (expected is { } status)
            Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        else
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"expected a 4xx, got {(int)response.StatusCode}: {text}");
        var problem = await PlatformApi.JsonOfAsync(response);
        var message = problem.ToString();
        Assert.True(problem.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } || problem.TryGetProperty("errors", out _),
            $"the {(int)response.StatusCode} answer has no detail or errors saying what is wrong: {text}");
        Assert.Equal(before, await RowCounts.ReadAsync(platform.Database));
        return message;
    }

    private static byte[] WrongShapeNpz()
    {
        const int n = 16;
        using var buffer = new MemoryStream();
        using (var npz = new NpzWriter(buffer, leaveOpen: true))
        {
            using (var x = npz.BeginArray(NpzDataSet.InputName, DataType.Float, [n, 1, 14, 14]))
            {
                x.Append<float>(new float[n * 14 * 14]);
                x.Complete();
            }
            using (var y = npz.BeginArray(NpzDataSet.LabelName, DataType.Int64, [n]))
            {
                y.Append<long>(new long[n]);
                y.Complete();
            }
        }
        return buffer.ToArray();
    }
}
