using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Data.Entities;
using Platform.Web.Sweeps;

namespace Platform.Web.Tests.Sweeps;

public sealed class HangfireSweepsTests(HangfireAppFixture app) : IClassFixture<HangfireAppFixture>
{
    [Fact]
    public async Task The_web_app_registers_the_three_recurring_sweeps_and_its_hangfire_server_runs_them()
    {
        var storage = app.Services.GetRequiredService<JobStorage>();
        using (var connection = storage.GetConnection())
        {
            var recurring = connection.GetRecurringJobs().ToDictionary(j => j.Id, j => j.Cron);
            Assert.Equal("* * * * * *", recurring[SweepJobs.RetentionId]);
            Assert.Equal("* * * * * *", recurring[SweepJobs.DispatchId]);
            Assert.Equal("* * * * * *", recurring[SweepJobs.ReaperId]);
        }
        Assert.NotEmpty(storage.GetMonitoringApi().Servers());

        var sha = new string('e', 64);
        await app.Database.ScalarAsync<int>(
            "WITH a AS (INSERT INTO platform.artifacts (sha256, size_bytes, chunk_size, chunk_count, created_at) VALUES ($1, 0, 1, 0, now() - interval '1 minute') RETURNING 1) SELECT count(*)::int FROM a", sha);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (await app.Database.ScalarAsync<long>("SELECT count(*) FROM platform.artifacts WHERE sha256 = $1", sha) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the retention sweep did not run through Hangfire within 90 s; recurring jobs: {RecurringState()}");
            await Task.Delay(200);
        }
        using (var connection = storage.GetConnection())
            Assert.NotNull(connection.GetRecurringJobs([SweepJobs.RetentionId]).Single().LastExecution);
    }

    [Fact]
    public async Task Hangfire_runs_the_dispatch_sweep_and_the_reaper_against_the_apps_own_bus()
    {
        Guid pending = Guid.NewGuid(), expired = Guid.NewGuid();
        await using (var db = app.Database.NewContext())
        {
            var now = DateTimeOffset.UtcNow;
            var team = new Team { Id = Guid.NewGuid(), Name = "hangfire", CreatedAt = now };
            var sha = new string('d', 64);
            db.Teams.Add(team);
            db.Artifacts.Add(new Artifact { Sha256 = sha, SizeBytes = 0, ChunkSize = 1, CreatedAt = now });
            db.Models.Add(new Model { Id = Guid.NewGuid(), TeamId = team.Id, Name = "m", ArtifactSha256 = sha, CreatedAt = now });
            await db.SaveChangesAsync();
            var modelId = db.Models.Local.Single().Id;
            // Committed, but its request never sent the command.
            db.Jobs.Add(new Job { Id = pending, TeamId = team.Id, ModelId = modelId, Status = JobStatus.Pending, CreatedAt = now.AddMinutes(-1) });
            // Its worker died on the first attempt.
            db.Jobs.Add(new Job
            {
                Id = expired, TeamId = team.Id, ModelId = modelId, Status = JobStatus.Running, Attempt = 1, CreatedAt = now.AddMinutes(-5),
                StartedAt = now.AddMinutes(-4), LeaseOwner = "dead-worker", WorkerId = "dead-worker", LeaseExpiresAt = now.AddSeconds(-10),
            });
            await db.SaveChangesAsync();
        }

        // Generous: on a loaded two-core machine Hangfire's scheduler can fall behind; the loop ends as soon as it passes.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var statuses = await app.Database.ColumnAsync("SELECT status || ':' || attempt FROM platform.jobs WHERE id = ANY($1) ORDER BY id = $2", new[] { pending, expired }, pending);
            if (statuses.SequenceEqual(["Dispatched:1", "Dispatched:0"])) break;
            Assert.True(DateTime.UtcNow < deadline, $"the jobs are {string.Join(", ", statuses)} after 90 s, not Dispatched (reaped job first, attempt kept); " +
                $"recurring jobs: {RecurringState()}");
            await Task.Delay(200);
        }
    }

    /// <summary>What Hangfire last did with each recurring sweep, for a failure message.</summary>
    private string RecurringState()
    {
        using var connection = app.Services.GetRequiredService<JobStorage>().GetConnection();
        return string.Join("; ", connection.GetRecurringJobs().Select(j =>
            $"{j.Id} last {j.LastExecution:HH:mm:ss.fff} ({j.LastJobState ?? "never"}), next {j.NextExecution:HH:mm:ss.fff}{(j.Error is null ? "" : ", error " + j.Error)}"));
    }
}
