using Platform.Contracts;
using Platform.Integration.Tests.Harness;
using Xunit.Abstractions;

namespace Platform.Integration.Tests;

/// <summary>
/// Acceptance: a worker SIGKILLed in the middle of a job. Its lease (3 s here) runs out, the reaper puts the
/// job back, the dispatch sweep sends it again, a second worker runs it: Succeeded once, on attempt 2.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class WorkerCrashTests(PlatformHarness platform, ITestOutputHelper output)
{
    [Fact]
    public async Task Job_of_a_killed_worker_succeeds_exactly_once_on_the_next_attempt()
    {
        await platform.StopWorkersAsync();
        using var api = platform.Api(await platform.NewTeamTokenAsync("crash"));
        var modelId = await api.CreateModelAsync(FashionMnistSets.Model);
        var calibrationId = await api.CreateDataSetAsync(FashionMnistSets.Calibration(1000));
        var evaluationId = await api.CreateDataSetAsync(FashionMnistSets.Evaluation(2000));

        // One engine thread: the run lasts seconds, so the test sees it Running and kills it well before it ends.
        var first = platform.StartWorker(new Dictionary<string, string> { ["Platform__Worker__Threads"] = "1" });
        var job = await api.SubmitQuantizeAsync(modelId, calibrationId, evaluationId, "int8", "cpu");
        var running = await platform.WaitForJobAsync(api, job.Id, JobStatus.Running, TimeSpan.FromSeconds(60));
        await first.KillAsync();
        var afterKill = await api.GetJobAsync(job.Id);
        output.WriteLine($"killed {first.Label} (pid {first.Id}) at stage '{running.Stage}' ({running.Progress:P0}), worker '{running.WorkerId}'");
        Assert.True(afterKill is { Status: JobStatus.Running, Attempts: 1 },
            $"the job was {afterKill.Status} with {afterKill.Attempts} attempts right after the kill, so the kill did not land mid-run\n{platform.Diagnostics()}");
        Assert.Empty(await api.VariantsOfAsync(modelId));

        platform.StartWorker();
        var done = await platform.WaitForJobAsync(api, job.Id, JobStatus.Succeeded, TimeSpan.FromSeconds(120));

        Assert.Equal(2, done.Attempts);
        Assert.NotEqual(running.WorkerId, done.WorkerId);
        Assert.Equal(done.VariantId, Assert.Single(await api.VariantsOfAsync(modelId)).Id);
        Assert.Equal(1L, await platform.Database.ScalarAsync<long>("SELECT count(*) FROM platform.model_variants WHERE job_id = $1", job.Id));
        Assert.Equal(1L, await platform.Database.ScalarAsync<long>("SELECT count(*) FROM platform.jobs WHERE model_id = $1", modelId));
    }
}
