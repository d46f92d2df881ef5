using Platform.Contracts;
using Platform.Contracts.Messages;
using Platform.Integration.Tests.Harness;

namespace Platform.Integration.Tests;

/// <summary>Acceptance: the same QuantizeModel delivered more than once yields one run and one variant.</summary>
[Collection(PlatformCollection.Name)]
public sealed class DuplicateMessageTests(PlatformHarness platform)
{
    [Fact]
    public async Task The_same_QuantizeModel_sent_twice_more_yields_one_attempt_and_one_variant()
    {
        await platform.StopWorkersAsync();
        using var api = platform.Api(await platform.NewTeamTokenAsync("dup"));
        var modelId = await api.CreateModelAsync(FashionMnistSets.Model);
        var calibrationId = await api.CreateDataSetAsync(FashionMnistSets.Calibration(1000));
        var evaluationId = await api.CreateDataSetAsync(FashionMnistSets.Evaluation(200));

        // No worker yet: every copy of the command waits in the queue, so the worker meets them back to back.
        var job = await api.SubmitQuantizeAsync(modelId, calibrationId, evaluationId, "int8", "cpu");
        await using (var bus = await TestBus.StartAsync(platform.Rabbit.Uri))
        {
            await bus.SendQuantizeAsync(job.Id, DeviceClass.Cpu);
            await bus.SendQuantizeAsync(job.Id, DeviceClass.Cpu);
        }
        var queue = Queues.Quantize(DeviceClass.Cpu);
        var queued = await Eventually.UntilAsync($"both copies (and the web app's own) in {queue}",
            platform.Rabbit.QueueDepthsAsync, d => d.GetValueOrDefault(queue) >= 2, TimeSpan.FromSeconds(30),
            d => d is null ? "" : string.Join(", ", d.Select(kv => $"{kv.Key}={kv.Value}")), platform.Diagnostics, TimeSpan.FromMilliseconds(200));

        platform.StartWorker();
        var done = await platform.WaitForJobAsync(api, job.Id, JobStatus.Succeeded, TimeSpan.FromSeconds(90));
        // Every copy consumed (none left to run later) before counting.
        await Eventually.UntilAsync($"{queue} drained", platform.Rabbit.QueueDepthsAsync, d => d.GetValueOrDefault(queue) == 0,
            TimeSpan.FromSeconds(30), d => d is null ? "" : string.Join(", ", d.Select(kv => $"{kv.Key}={kv.Value}")), platform.Diagnostics, TimeSpan.FromMilliseconds(200));

        Assert.True(queued.GetValueOrDefault(queue) >= 2);
        var faulted = (await platform.Rabbit.QueueDepthsAsync()).Where(kv => kv.Key.EndsWith("_error", StringComparison.Ordinal) && kv.Value > 0).ToList();
        Assert.True(faulted.Count == 0, $"a duplicate faulted in the consumer instead of being a no-op: {string.Join(", ", faulted)}\n{platform.Diagnostics()}");
        Assert.Equal(1, (await api.GetJobAsync(job.Id)).Attempts);
        Assert.Equal(done.VariantId, Assert.Single(await api.VariantsOfAsync(modelId)).Id);
        Assert.Equal(1L, await platform.Database.ScalarAsync<long>("SELECT count(*) FROM platform.model_variants WHERE job_id = $1", job.Id));
        Assert.Equal(JobStatus.Succeeded, (await api.GetJobAsync(job.Id)).Status);
    }
}
