using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
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
            Assert.Equal("0 0 * * * *", recurring[SweepJobs.DispatchId]);
            Assert.Equal("0 0 * * * *", recurring[SweepJobs.ReaperId]);
        }
        Assert.NotEmpty(storage.GetMonitoringApi().Servers());

        var sha = new string('e', 64);
        await app.Database.ScalarAsync<int>(
            "WITH a AS (INSERT INTO platform.artifacts (sha256, size_bytes, chunk_size, chunk_count, created_at) VALUES ($1, 0, 1, 0, now() - interval '1 minute') RETURNING 1) SELECT count(*)::int FROM a", sha);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await app.Database.ScalarAsync<long>("SELECT count(*) FROM platform.artifacts WHERE sha256 = $1", sha) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the retention sweep did not run through Hangfire within 30 s");
            await Task.Delay(200);
        }
        using (var connection = storage.GetConnection())
            Assert.NotNull(connection.GetRecurringJobs([SweepJobs.RetentionId]).Single().LastExecution);
    }
}
