using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Web.Tests.Jobs;

public sealed class JobSubmitTests(WebAppFixture app) : IClassFixture<WebAppFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Submit_commits_the_job_then_sends_QuantizeModel_to_its_device_queue_and_marks_it_dispatched()
    {
        var data = await JobTestData.CreateAsync(app, "submit-team");
        await using var cpu = await QueueProbe.StartAsync(app.Services.GetRequiredService<IBus>(), "quantize-cpu");
        await using var any = await QueueProbe.StartAsync(app.Services.GetRequiredService<IBus>(), "quantize-any");

        var response = await data.SubmitAsync(data.Job("cpu"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await response.JsonAsync();
        var id = job.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/jobs/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("dispatched", job.GetProperty("status").GetString());
        Assert.Equal("cpu", job.GetProperty("device").GetString());
        Assert.Equal("quantize", job.GetProperty("kind").GetString());
        Assert.Equal(0, job.GetProperty("attempts").GetInt32());
        Assert.True(job.GetProperty("dispatchedAt").ValueKind == JsonValueKind.String);
        // The preset is stored resolved: what the worker runs does not depend on presets changing later.
        Assert.Equal("int4", job.GetProperty("spec").GetProperty("default").GetProperty("weights").GetString());

        Assert.Equal(id, (await cpu.WaitForAsync(id, Wait)).JobId);
        Assert.Equal("Dispatched", await app.Database.ScalarAsync<string>("SELECT status FROM platform.jobs WHERE id = $1", id));

        // No device: "any", which every worker also consumes.
        var anyResponse = await data.SubmitAsync(new { kind = "quantize", modelId = data.ModelId, evaluationDatasetId = data.DataSetId, spec = "fp16" });
        Assert.Equal(HttpStatusCode.Accepted, anyResponse.StatusCode);
        var anyJob = await anyResponse.JsonAsync();
        Assert.Equal("any", anyJob.GetProperty("device").GetString());
        await any.WaitForAsync(anyJob.GetProperty("id").GetGuid(), Wait);

        var got = await (await data.Client.GetAsync($"/api/v1/jobs/{id}")).JsonAsync();
        Assert.Equal("dispatched", got.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, got.GetProperty("variantId").ValueKind);
    }

    [Fact]
    public async Task Static_activations_with_a_calibration_set_are_accepted()
    {
        var data = await JobTestData.CreateAsync(app, "calib-team");
        var response = await data.SubmitAsync(new
        {
            kind = "quantize", modelId = data.ModelId, calibrationDatasetId = data.DataSetId, evaluationDatasetId = data.DataSetId,
            spec = new { @default = new { weights = "int8", activations = "static", calibration = "entropy" } },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await response.JsonAsync();
        Assert.Equal(data.DataSetId, job.GetProperty("calibrationDatasetId").GetGuid());
        Assert.Equal("static", job.GetProperty("spec").GetProperty("default").GetProperty("activations").GetString());
    }

    [Fact]
    public async Task Every_rejected_submission_names_its_problem_and_stores_no_job()
    {
        var data = await JobTestData.CreateAsync(app, "reject-team");
        var c = data.Client;
        var wrongShape = await JobTestData.UploadDataSetAsync(c, JobTestData.Npz(("x", [4, 32]), ("y", [4])), "narrow");
        var wrongRank = await JobTestData.UploadDataSetAsync(c, JobTestData.Npz(("x", [4, 1, 8, 8])), "images");
        var wrongName = await JobTestData.UploadDataSetAsync(c, JobTestData.Npz(("pixels", [4, 64])), "renamed");
        var other = await JobTestData.CreateAsync(app, "reject-other-team");
        var missing = Guid.NewGuid();
        object Job(object? spec = null, Guid? model = null, Guid? eval = null, Guid? calib = null, string kind = "quantize") => new
        {
            kind, modelId = model ?? data.ModelId, evaluationDatasetId = eval ?? data.DataSetId, calibrationDatasetId = calib, spec = spec ?? "int4",
        };

        (HttpContent Body, HttpStatusCode Status, string[] Detail)[] cases =
        [
            (Raw("{\"kind\": \"quantize\", "), HttpStatusCode.BadRequest, ["not a valid job request"]),
            (Raw("""{"kind": "banana", "modelId": "00000000-0000-0000-0000-000000000001", "spec": "int8"}"""), HttpStatusCode.BadRequest, ["$.kind", "\"quantize\""]),
            (Raw($$"""{"kind": "quantize", "modelId": "{{data.ModelId}}", "evaluationDatasetId": "{{data.DataSetId}}", "spec": "int4", "device": "tpu"}"""),
                HttpStatusCode.BadRequest, ["$.device", "\"cuda\""]),
            (Json(Job(spec: "int9")), HttpStatusCode.BadRequest, ["int9", "int8"]),
            (Json(Job(spec: new { @default = new { weights = "int8", bogus = 1 } })), HttpStatusCode.BadRequest, ["spec", "bogus"]),
            (Json(Job(spec: 42)), HttpStatusCode.BadRequest, ["spec is a JSON number"]),
            (Json(new { kind = "quantize", modelId = data.ModelId, evaluationDatasetId = data.DataSetId }), HttpStatusCode.BadRequest, ["spec is missing"]),
            (Json(new { kind = "quantize", modelId = data.ModelId, spec = "int4" }), HttpStatusCode.BadRequest, ["evaluationDatasetId is missing"]),
            (Json(new { kind = "quantize", evaluationDatasetId = data.DataSetId, spec = "int4" }), HttpStatusCode.BadRequest, ["modelId is missing"]),
            (Json(Job(model: other.ModelId)), HttpStatusCode.NotFound, [other.ModelId.ToString()]),
            (Json(Job(model: missing)), HttpStatusCode.NotFound, [missing.ToString()]),
            (Json(Job(eval: other.DataSetId)), HttpStatusCode.NotFound, [other.DataSetId.ToString(), "evaluationDatasetId"]),
            (Json(Job(calib: missing)), HttpStatusCode.NotFound, [missing.ToString(), "calibrationDatasetId"]),
            (Json(Job(eval: wrongShape)), HttpStatusCode.UnprocessableEntity, ["input 'x'", "[32]", "[64]", "narrow"]),
            (Json(Job(calib: wrongRank, spec: "int8")), HttpStatusCode.UnprocessableEntity, ["calibration", "[4,1,8,8]", "rank 2"]),
            (Json(Job(eval: wrongName)), HttpStatusCode.UnprocessableEntity, ["no array for input 'x'", "pixels"]),
            (Json(Job(spec: "int8")), HttpStatusCode.UnprocessableEntity, ["calibrationDatasetId", "int8-dynamic"]),
            (Json(Job(kind: "search")), HttpStatusCode.UnprocessableEntity, ["search jobs are not available yet"]),
            (new StringContent("kind=quantize"), HttpStatusCode.UnsupportedMediaType, ["application/json"]),
        ];
        foreach (var (body, status, detail) in cases)
        {
            var response = await c.PostAsync("/api/v1/jobs", body);
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
            var problem = JsonDocument.Parse(text).RootElement;
            Assert.True(problem.TryGetProperty("title", out var title) && title.GetString() is { Length: > 0 }, text);
            Assert.True(problem.TryGetProperty("detail", out _), text);
            foreach (var part in detail)
                Assert.True(problem.GetProperty("detail").GetString()!.Contains(part), $"'{part}' not in: {text}");
        }
        Assert.Equal(0L, await app.Database.ScalarAsync<long>("SELECT count(*) FROM platform.jobs WHERE model_id IN ($1, $2)", data.ModelId, other.ModelId));

        // int8-dynamic needs no calibration: the advice in the message works.
        Assert.Equal(HttpStatusCode.Accepted, (await data.SubmitAsync(Job(spec: "int8-dynamic"))).StatusCode);
    }

    [Fact]
    public async Task Jobs_are_listed_filtered_and_cancelled_within_the_team_only()
    {
        var data = await JobTestData.CreateAsync(app, "list-team");
        var otherModel = await JobTestData.UploadModelAsync(data.Client, "fashion_cnn_bn.onnx", "fashion");
        var ids = new List<Guid>();
        for (int i = 0; i < 3; i++)
            ids.Add((await (await data.SubmitAsync(data.Job("cuda"))).JsonAsync()).GetProperty("id").GetGuid());

        var listed = await (await data.Client.GetAsync($"/api/v1/jobs?modelId={data.ModelId}")).JsonAsync();
        Assert.Equal(ids.AsEnumerable().Reverse(), listed.EnumerateArray().Select(j => j.GetProperty("id").GetGuid()));
        Assert.Equal(0, (await (await data.Client.GetAsync($"/api/v1/jobs?modelId={otherModel}")).JsonAsync()).GetArrayLength());
        Assert.Equal(2, (await (await data.Client.GetAsync($"/api/v1/jobs?modelId={data.ModelId}&limit=2")).JsonAsync()).GetArrayLength());

        var cancel = await data.Client.PostAsync($"/api/v1/jobs/{ids[0]}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var cancelled = await cancel.JsonAsync();
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.True(cancelled.GetProperty("finishedAt").ValueKind == JsonValueKind.String);
        var again = await data.Client.PostAsync($"/api/v1/jobs/{ids[0]}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already ended as cancelled", (await again.JsonAsync()).GetProperty("detail").GetString());

        var byStatus = await (await data.Client.GetAsync("/api/v1/jobs?status=Cancelled")).JsonAsync();
        Assert.Equal(ids[0], Assert.Single(byStatus.EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(2, (await (await data.Client.GetAsync("/api/v1/jobs?status=dispatched")).JsonAsync()).GetArrayLength());

        foreach (var (query, part) in new[] { ("status=finished", "status 'finished'"), ("status=2", "status '2'"), ("limit=0", "limit 0"), ("limit=1001", "limit 1001") })
        {
            var bad = await data.Client.GetAsync($"/api/v1/jobs?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains(part, (await bad.JsonAsync()).GetProperty("detail").GetString());
        }

        using var stranger = app.Client(await app.NewTeamTokenAsync("list-stranger"));
        var notFound = await stranger.GetAsync($"/api/v1/jobs/{ids[1]}");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Contains(ids[1].ToString(), (await notFound.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/jobs/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/v1/jobs/{ids[1]}/cancel", null)).StatusCode);
        Assert.Equal(0, (await (await stranger.GetAsync("/api/v1/jobs")).JsonAsync()).GetArrayLength());
        Assert.Equal("Dispatched", await app.Database.ScalarAsync<string>("SELECT status FROM platform.jobs WHERE id = $1", ids[1]));
    }

    [Fact]
    public async Task Two_hundred_concurrent_submissions_are_all_accepted_and_none_is_lost()
    {
        var data = await JobTestData.CreateAsync(app, "burst-team");
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => data.SubmitAsync(data.Job("cpu"))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.JsonAsync()).GetProperty("id").GetGuid()));
        Assert.Equal(200, ids.Distinct().Count());
        Assert.Equal(200L, await app.Database.ScalarAsync<long>("SELECT count(*) FROM platform.jobs WHERE model_id = $1 AND status = 'Dispatched'", data.ModelId));
    }

    [Fact]
    public async Task Ready_includes_the_bus_and_is_healthy_on_the_in_memory_transport()
    {
        using var client = app.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_job_and_batch_bodies()
    {
        using var client = app.Client();
        var doc = await (await client.GetAsync("/openapi/v1.json")).JsonAsync();
        var paths = doc.GetProperty("paths");
        foreach (var (path, field) in new[] { ("/api/v1/jobs", "evaluationDatasetId"), ("/api/v1/batches", "matrix") })
        {
            var body = paths.GetProperty(path).GetProperty("post").GetProperty("requestBody");
            Assert.Contains(field, body.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetRawText());
        }
        foreach (var path in new[] { "/api/v1/jobs/{id}/cancel", "/api/v1/batches/{id}", "/api/v1/variants", "/api/v1/variants/{id}/artifact" })
            Assert.True(paths.TryGetProperty(path, out _), path);
    }

    private static StringContent Raw(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static JsonContent Json(object body) => JsonContent.Create(body);
}
