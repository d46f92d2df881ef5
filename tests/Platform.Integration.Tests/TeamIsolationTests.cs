using System.Net;
using Platform.Contracts;
using Platform.Integration.Tests.Harness;

namespace Platform.Integration.Tests;

/// <summary>Acceptance: a token of team A sees none of team B's models, data sets, jobs or variants.</summary>
[Collection(PlatformCollection.Name)]
public sealed class TeamIsolationTests(PlatformHarness platform)
{
    [Fact]
    public async Task Team_A_gets_404_for_team_B_ids_and_never_sees_them_in_lists()
    {
        using var b = platform.Api(await platform.NewTeamTokenAsync("team-b"));
        using var a = platform.Api(await platform.NewTeamTokenAsync("team-a"));
        var modelId = await b.CreateModelAsync(FashionMnistSets.Model, "b-model");
        var calibrationId = await b.CreateDataSetAsync(FashionMnistSets.Calibration(1000), "b-calib");
        var evaluationId = await b.CreateDataSetAsync(FashionMnistSets.Evaluation(200), "b-eval");
        platform.EnsureWorker();
        var job = await b.SubmitQuantizeAsync(modelId, calibrationId, evaluationId);
        var done = await platform.WaitForJobAsync(b, job.Id, JobStatus.Succeeded, TimeSpan.FromSeconds(90));
        var variantId = done.VariantId ?? throw new InvalidOperationException("a succeeded job without a variant id");
        // A's own model, so its variant list has something to be scoped against.
        var aModelId = await a.CreateModelAsync(FashionMnistSets.Model, "a-model");

        string[] single =
        [
            $"/api/v1/models/{modelId}", $"/api/v1/datasets/{calibrationId}", $"/api/v1/datasets/{evaluationId}",
            $"/api/v1/jobs/{job.Id}", $"/api/v1/variants/{variantId}", $"/api/v1/variants/{variantId}/artifact",
        ];
        foreach (var path in single)
        {
            using var own = await b.Http.GetAsync(path);
            Assert.True(own.StatusCode == HttpStatusCode.OK, $"team B's own GET {path} answered {(int)own.StatusCode}");
            using var other = await a.Http.GetAsync(path);
            Assert.True(other.StatusCode == HttpStatusCode.NotFound, $"team A's GET {path} answered {(int)other.StatusCode}, not 404: {await other.Content.ReadAsStringAsync()}");
        }

        Guid[] hidden = [modelId, calibrationId, evaluationId, job.Id, variantId];
        string[] lists = ["/api/v1/models", "/api/v1/datasets", "/api/v1/jobs", $"/api/v1/variants?modelId={aModelId}"];
        foreach (var path in lists)
        {
            using var response = await a.Http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"team A's GET {path} answered {(int)response.StatusCode}");
            var body = await response.Content.ReadAsStringAsync();
            foreach (var id in hidden) Assert.DoesNotContain(id.ToString(), body, StringComparison.OrdinalIgnoreCase);
        }
        // Filtered by B's model: refused as unknown (404) or an empty answer, never B's rows.
        foreach (var path in new[] { $"/api/v1/jobs?modelId={modelId}", $"/api/v1/variants?modelId={modelId}" })
        {
            using var filtered = await a.Http.GetAsync(path);
            Assert.True(filtered.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"team A's GET {path} answered {(int)filtered.StatusCode}");
            var body = await filtered.Content.ReadAsStringAsync();
            foreach (var id in hidden.Skip(1)) Assert.DoesNotContain(id.ToString(), body, StringComparison.OrdinalIgnoreCase);
        }
        // B's lists do show them: the answers above are filtered by team, not empty for everyone.
        Assert.Contains(modelId.ToString(), await b.Http.GetStringAsync("/api/v1/models"));
        Assert.Contains(calibrationId.ToString(), await b.Http.GetStringAsync("/api/v1/datasets"));
        Assert.Contains(job.Id.ToString(), await b.Http.GetStringAsync("/api/v1/jobs"));
        Assert.Contains(variantId.ToString(), await b.Http.GetStringAsync($"/api/v1/variants?modelId={modelId}"));

        // A cannot use B's model or data sets either: refused, and no job row appears.
        long jobsBefore = await platform.Database.ScalarAsync<long>("SELECT count(*) FROM platform.jobs");
        using var stolen = await a.PostJobAsync(PlatformApi.QuantizeBody(modelId, calibrationId, evaluationId));
        Assert.True((int)stolen.StatusCode is 404 or 400 or 422, $"team A submitting team B's model answered {(int)stolen.StatusCode}");
        Assert.Equal(jobsBefore, await platform.Database.ScalarAsync<long>("SELECT count(*) FROM platform.jobs"));
    }
}
