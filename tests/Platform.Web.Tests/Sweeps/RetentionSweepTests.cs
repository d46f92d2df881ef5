using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Entities;
using Platform.Web.Sweeps;

namespace Platform.Web.Tests.Sweeps;

public sealed class RetentionSweepTests(SweepHarness h) : IClassFixture<SweepHarness>
{
    [Fact]
    public async Task Deletes_only_old_unreferenced_artifacts_with_their_chunks_and_long_silent_workers()
    {
        var oldOrphan = await AddArtifactAsync('1', TimeSpan.FromHours(48));
        var newOrphan = await AddArtifactAsync('2', TimeSpan.FromHours(1));
        var oldDataSetBytes = await AddArtifactAsync('3', TimeSpan.FromHours(48));
        var oldVariantBytes = await AddArtifactAsync('4', TimeSpan.FromHours(48));
        var now = DateTimeOffset.UtcNow;
        await using (var db = h.Database.NewContext())
        {
            db.DataSets.Add(new DataSet { Id = Guid.NewGuid(), TeamId = h.TeamId, Name = "d", ArtifactSha256 = oldDataSetBytes, CreatedAt = now });
            var job = new Job { Id = Guid.NewGuid(), TeamId = h.TeamId, ModelId = h.ModelId, Status = Contracts.JobStatus.Succeeded, CreatedAt = now };
            db.Jobs.Add(job);
            db.ModelVariants.Add(new ModelVariant { Id = Guid.NewGuid(), TeamId = h.TeamId, JobId = job.Id, ModelId = h.ModelId, ArtifactSha256 = oldVariantBytes, CreatedAt = now });
            db.WorkerInstances.Add(new WorkerInstance { Id = "gone", Host = "h", StartedAt = now.AddDays(-3), LastHeartbeatAt = now.AddDays(-2) });
            db.WorkerInstances.Add(new WorkerInstance { Id = "alive", Host = "h", StartedAt = now.AddDays(-3), LastHeartbeatAt = now.AddSeconds(-5) });
            await db.SaveChangesAsync();
        }

        RetentionResult result;
        await using (var scope = h.Scope())
            result = await scope.ServiceProvider.GetRequiredService<RetentionSweep>().RunAsync();

        Assert.Equal(new RetentionResult(1, 1), result);
        var artifacts = await h.Database.ColumnAsync("SELECT sha256 FROM platform.artifacts ORDER BY sha256");
        Assert.Equal(new[] { newOrphan, oldDataSetBytes, oldVariantBytes, h.ModelSha }.Order(), artifacts);
        Assert.Equal(0L, await h.Database.ScalarAsync<long>("SELECT count(*) FROM platform.artifact_chunks WHERE sha256 = $1", oldOrphan));
        Assert.Equal(1L, await h.Database.ScalarAsync<long>("SELECT count(*) FROM platform.artifact_chunks WHERE sha256 = $1", newOrphan));
        Assert.Equal(["alive"], await h.Database.ColumnAsync("SELECT id FROM platform.worker_instances"));

        await using (var scope = h.Scope())
            Assert.Equal(new RetentionResult(0, 0), await scope.ServiceProvider.GetRequiredService<RetentionSweep>().RunAsync());
    }

    private async Task<string> AddArtifactAsync(char digit, TimeSpan age)
    {
        var sha = new string(digit, 64);
        await h.Database.ScalarAsync<int>(
            "WITH a AS (INSERT INTO platform.artifacts (sha256, size_bytes, chunk_size, chunk_count, created_at) VALUES ($1, 3, 3, 1, now() - $2) RETURNING 1), " +
            "c AS (INSERT INTO platform.artifact_chunks (sha256, \"index\", data) VALUES ($1, 0, '\\x010203'::bytea) RETURNING 1) " +
            "SELECT (SELECT count(*) FROM a)::int + (SELECT count(*) FROM c)::int", sha, age);
        return sha;
    }
}
