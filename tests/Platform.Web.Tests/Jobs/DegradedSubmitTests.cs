using System.Net;
using System.Net.Http.Json;
using System.Text;
using Npgsql;

namespace Platform.Web.Tests.Jobs;

public sealed class DegradedSubmitTests(DegradedWebAppFixture app) : IClassFixture<DegradedWebAppFixture>
{
    [Fact]
    public async Task With_the_broker_down_a_submission_is_still_accepted_and_stays_pending_for_the_sweep()
    {
        var data = await JobTestData.CreateAsync(app, "broker-down-team");
        var response = await data.SubmitAsync(data.Job("cpu"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await response.JsonAsync();
        Assert.Equal("pending", job.GetProperty("status").GetString());
        Assert.Equal("Pending", await app.Database.ScalarAsync<string>(
            "SELECT status FROM platform.jobs WHERE id = $1", job.GetProperty("id").GetGuid()));

        var ready = await app.Client().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client().GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Over_the_team_limit_a_submission_gets_429_with_Retry_After_and_stores_nothing()
    {
        var data = await JobTestData.CreateAsync(app, "limited-team");
        var other = await JobTestData.CreateAsync(app, "limited-other-team");

        // The held submission takes the team's only slot and keeps it while its INSERT waits on this lock.
        await using var lockConnection = new NpgsqlConnection(app.Database.ConnectionString);
        await lockConnection.OpenAsync();
        var tx = await lockConnection.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE platform.jobs IN EXCLUSIVE MODE", lockConnection, tx))
            await lockTable.ExecuteNonQueryAsync();
        var held = data.SubmitAsync(data.Job("cpu"));

        // Wait until the held submission is inside (its INSERT waits on the lock), holding the team's only slot.
        // Probing before that would race it for the slot and could turn the held request away instead.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await app.Database.ScalarAsync<long>(
                   "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO platform.jobs%'") == 0)
        {
            Assert.False(held.IsCompleted, held.IsCompleted ? $"the held submission ended with {(await held).StatusCode} before it reached the locked table" : "");
            Assert.True(DateTime.UtcNow < deadline, "the held submission did not reach the locked jobs table within 60 s");
            await Task.Delay(50);
        }

        // A broken body would be a 400 with a free slot: the 429 comes before the body is read, so nothing is stored.
        var refused = await data.Client.PostAsync("/api/v1/jobs", new StringContent("{", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("Nothing was stored", (await refused.JsonAsync()).GetProperty("detail").GetString());

        // A well-formed submission and a batch are refused just the same; another team has its own slot.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await data.SubmitAsync(data.Job("cpu"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await data.Client.PostAsJsonAsync("/api/v1/batches", new { jobs = new[] { data.Job("cpu") } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await other.Client.PostAsync("/api/v1/jobs", new StringContent("{", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.False(held.IsCompleted);

        await tx.RollbackAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await held).StatusCode);
        Assert.Equal(1L, await app.Database.ScalarAsync<long>("SELECT count(*) FROM platform.jobs WHERE model_id = $1", data.ModelId));
        Assert.Equal(0L, await app.Database.ScalarAsync<long>("SELECT count(*) FROM platform.batches"));
    }
}
