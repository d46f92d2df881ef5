using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Data.Jobs;
using Platform.Web.Tests.Jobs;

namespace Platform.Web.Tests.Batches;

public sealed class BatchTests(WebAppFixture app) : IClassFixture<WebAppFixture>
{
    private static readonly string[] Statuses = ["pending", "dispatched", "running", "succeeded", "failed", "cancelled"];

    [Fact]
    public async Task A_matrix_fans_out_every_model_times_every_spec_in_one_batch_with_counts_by_status()
    {
        var data = await JobTestData.CreateAsync(app, "matrix-team");
        var second = await JobTestData.UploadModelAsync(data.Client, "digits_mlp.onnx", "digits-copy");
        var response = await data.Client.PostAsJsonAsync("/api/v1/batches", new
        {
            name = "zoo",
            matrix = new { modelIds = new[] { data.ModelId, second }, specs = new object[] { "int4", "fp16", new { @default = new { weights = "int2" } } },
                           evaluationDatasetId = data.DataSetId, device = "cpu" },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var batch = await response.JsonAsync();
        var id = batch.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/batches/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("zoo", batch.GetProperty("name").GetString());
        var jobs = batch.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal(6, jobs.Count);
        // Model-major, in request order.
        Assert.Equal([data.ModelId, data.ModelId, data.ModelId, second, second, second], jobs.Select(j => j.GetProperty("modelId").GetGuid()));
        Assert.Equal(["int4", "fp16", "int2", "int4", "fp16", "int2"],
            jobs.Select(j => j.GetProperty("spec").GetProperty("default").GetProperty("weights").GetString()));
        Assert.All(jobs, j => Assert.Equal(id, j.GetProperty("batchId").GetGuid()));
        Assert.All(jobs, j => Assert.Equal("cpu", j.GetProperty("device").GetString()));
        AssertCounts(batch, ("dispatched", 6));

        Assert.Equal(6L, await app.Database.ScalarAsync<long>("SELECT count(*) FROM platform.jobs WHERE batch_id = $1 AND status = 'Dispatched'", id));
        var got = await (await data.Client.GetAsync($"/api/v1/batches/{id}")).JsonAsync();
        Assert.Equal(jobs.Select(j => j.GetProperty("id").GetGuid()), got.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetGuid()));
        AssertCounts(got, ("dispatched", 6));
    }

    [Fact]
    public async Task A_batch_of_the_largest_allowed_size_is_stored_and_dispatched_whole()
    {
        var data = await JobTestData.CreateAsync(app, "big-batch-team");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var response = await data.Client.PostAsJsonAsync("/api/v1/batches", new
        {
            matrix = new { modelIds = Enumerable.Repeat(data.ModelId, 100), specs = Enumerable.Repeat<object>("int4", 10), evaluationDatasetId = data.DataSetId, device = "cpu" },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var batch = await response.JsonAsync();
        Assert.Equal(1000, batch.GetProperty("jobs").GetArrayLength());
        AssertCounts(batch, ("dispatched", 1000));
        Assert.Equal(1000L, await app.Database.ScalarAsync<long>(
            "SELECT count(*) FROM platform.jobs WHERE batch_id = $1 AND status = 'Dispatched'", batch.GetProperty("id").GetGuid()));
        Console.WriteLine($"batch of 1000 jobs: 202 after {started.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Cancelling_a_batch_cancels_its_unfinished_jobs_only_and_other_teams_see_nothing()
    {
        var data = await JobTestData.CreateAsync(app, "cancel-batch-team");
        var batch = await (await data.Client.PostAsJsonAsync("/api/v1/batches", new { jobs = new[] { data.Job("cpu"), data.Job("cpu"), data.Job("cuda") } })).JsonAsync();
        var id = batch.GetProperty("id").GetGuid();
        var jobIds = batch.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetGuid()).ToList();
        await using (var db = app.Database.NewContext())
        {
            Assert.NotNull(await JobLeases.TryClaimAsync(db, jobIds[0], "worker-a", TimeSpan.FromMinutes(1)));
            Assert.True(await JobLeases.CompleteAsync(db, jobIds[0], "worker-a"));
            Assert.NotNull(await JobLeases.TryClaimAsync(db, jobIds[1], "worker-a", TimeSpan.FromMinutes(1)));
        }

        using var stranger = app.Client(await app.NewTeamTokenAsync("cancel-batch-stranger"));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/batches/{id}")).StatusCode);
        var strangerCancel = await stranger.PostAsync($"/api/v1/batches/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.NotFound, strangerCancel.StatusCode);
        Assert.Contains(id.ToString(), (await strangerCancel.JsonAsync()).GetProperty("detail").GetString());
        AssertCounts(await (await data.Client.GetAsync($"/api/v1/batches/{id}")).JsonAsync(), ("succeeded", 1), ("running", 1), ("dispatched", 1));

        var cancel = await data.Client.PostAsync($"/api/v1/batches/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var after = await cancel.JsonAsync();
        AssertCounts(after, ("succeeded", 1), ("cancelled", 2));
        Assert.Equal(["succeeded", "cancelled", "cancelled"], after.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await data.Client.GetAsync($"/api/v1/batches/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task A_batch_with_one_bad_job_is_refused_whole_naming_that_job()
    {
        var data = await JobTestData.CreateAsync(app, "bad-batch-team");
        var missing = Guid.NewGuid();
        var manyModels = Enumerable.Range(0, 101).Select(_ => data.ModelId).ToArray();
        var specs = Enumerable.Range(0, 10).Select(_ => (object)"int4").ToArray();
        (object Body, HttpStatusCode Status, string Detail)[] cases =
        [
            (new { jobs = new[] { data.Job("cpu"), data.Job("cpu", spec: "int9"), data.Job("cpu") } }, HttpStatusCode.BadRequest, "jobs[1]: spec"),
            (new { jobs = new[] { data.Job("cpu"), new { kind = "quantize", modelId = missing, evaluationDatasetId = data.DataSetId, spec = "int4", device = "cpu" } } },
                HttpStatusCode.NotFound, $"jobs[1]: No model with id {missing}"),
            (new { matrix = new { modelIds = new[] { data.ModelId }, specs = new object[] { "int4", "int8" }, evaluationDatasetId = data.DataSetId } },
                HttpStatusCode.UnprocessableEntity, "spec 1: The spec quantizes activations statically"),
            (new { jobs = new[] { data.Job("cpu") }, matrix = new { modelIds = new[] { data.ModelId }, specs = new[] { "int4" } } }, HttpStatusCode.BadRequest, "exactly one"),
            (new { name = "empty" }, HttpStatusCode.BadRequest, "exactly one"),
            (new { jobs = Array.Empty<object>() }, HttpStatusCode.BadRequest, "holds no jobs"),
            (new { matrix = new { modelIds = manyModels, specs, evaluationDatasetId = data.DataSetId } }, HttpStatusCode.BadRequest, "1010 jobs; at most 1000"),
            (new { matrix = new { modelIds = new[] { data.ModelId }, specs = Array.Empty<object>() } }, HttpStatusCode.BadRequest, "at least one model id and one spec"),
        ];
        foreach (var (body, status, detail) in cases)
        {
            var response = await data.Client.PostAsJsonAsync("/api/v1/batches", body);
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
            Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!.Contains(detail), $"'{detail}' not in: {text}");
        }
        var badDevice = await data.Client.PostAsync("/api/v1/batches", new StringContent(
            $$$"""{"matrix": {"modelIds": ["{{{data.ModelId}}}"], "specs": ["int4"], "device": "gpu"}}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badDevice.StatusCode);
        Assert.Contains("$.matrix.device", (await badDevice.JsonAsync()).GetProperty("detail").GetString());

        Assert.Equal(0L, await app.Database.ScalarAsync<long>("SELECT count(*) FROM platform.jobs WHERE model_id = $1", data.ModelId));
        Assert.Equal(0L, await app.Database.ScalarAsync<long>(
            "SELECT count(*) FROM platform.batches b JOIN platform.models m ON m.team_id = b.team_id WHERE m.id = $1", data.ModelId));
    }

    private static void AssertCounts(JsonElement batch, params (string Status, int Count)[] nonZero)
    {
        var counts = batch.GetProperty("counts");
        Assert.Equal(Statuses.Order(), counts.EnumerateObject().Select(p => p.Name).Order());
        foreach (var status in Statuses)
            Assert.Equal(nonZero.Where(c => c.Status == status).Select(c => c.Count).DefaultIfEmpty(0).Single(), counts.GetProperty(status).GetInt32());
    }
}
