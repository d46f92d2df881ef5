using System.Diagnostics;
using Platform.Contracts;
using Platform.Integration.Tests.Harness;
using Xunit.Abstractions;

namespace Platform.Integration.Tests;

/// <summary>
/// Acceptance: RabbitMQ stopped and started while jobs are pending (the shared node, through scripts/services.sh):
/// submissions during the outage are still accepted and stay Pending, and once the broker and a worker are
/// back every job succeeds; none is lost.
/// </summary>
public sealed class RabbitOutageTests(PlatformHarness platform, ITestOutputHelper output) : IClassFixture<PlatformHarness>
{
    private static readonly TimeSpan ServiceTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Jobs_submitted_before_and_during_a_broker_outage_all_succeed()
    {
        using var api = platform.Api(await platform.NewTeamTokenAsync("outage"));
        var modelId = await api.CreateModelAsync(FashionMnistSets.Model);
        var calibrationId = await api.CreateDataSetAsync(FashionMnistSets.Calibration(1000));
        var evaluationId = await api.CreateDataSetAsync(FashionMnistSets.Evaluation(200));

        var jobs = new List<Guid> { (await api.SubmitQuantizeAsync(modelId, calibrationId, evaluationId, "int8", "cpu")).Id };
        var clock = Stopwatch.StartNew();
        await ServicesScript.RunAsync(ServiceTimeout, "down", "rabbitmq");
        try
        {
            output.WriteLine($"rabbitmq down after {clock.Elapsed.TotalSeconds:F1} s");
            foreach (var device in new[] { "cpu", "any", "cpu" })
            {
                var submitted = await api.SubmitQuantizeAsync(modelId, calibrationId, evaluationId, "int8", device);
                Assert.Equal(JobStatus.Pending, submitted.Status);
                jobs.Add(submitted.Id);
            }
            // Still Pending while the broker is away: nothing claims to have sent them.
            foreach (var id in jobs.Skip(1)) Assert.Equal(JobStatus.Pending, (await api.GetJobAsync(id)).Status);
        }
        finally
        {
            await ServicesScript.RunAsync(ServiceTimeout, "up", "rabbitmq");
            output.WriteLine($"rabbitmq up again after {clock.Elapsed.TotalSeconds:F1} s");
        }

        platform.StartWorker();
        foreach (var id in jobs)
        {
            var done = await platform.WaitForJobAsync(api, id, JobStatus.Succeeded, TimeSpan.FromSeconds(120));
            Assert.Equal(1, done.Attempts);
        }
        output.WriteLine($"all {jobs.Count} jobs succeeded {clock.Elapsed.TotalSeconds:F1} s after the broker went down");
        Assert.Equal(jobs.Count, (await api.VariantsOfAsync(modelId)).Count);
        Assert.Equal((long)jobs.Count, await platform.Database.ScalarAsync<long>("SELECT count(DISTINCT job_id) FROM platform.model_variants"));
        Assert.Equal((long)jobs.Count, await platform.Database.ScalarAsync<long>("SELECT count(*) FROM platform.model_variants"));
    }
}
