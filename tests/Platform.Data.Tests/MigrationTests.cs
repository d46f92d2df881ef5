using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Data.Entities;
using Platform.Migrations;

namespace Platform.Data.Tests;

public sealed class MigrationTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly string[] Tables =
    [
        "teams", "api_tokens", "models", "data_sets", "artifacts", "artifact_chunks", "jobs", "batches",
        "model_variants", "layer_results", "worker_instances",
    ];

    [Fact]
    public async Task Migrations_create_every_table_in_the_platform_schema_of_an_empty_database()
    {
        Assert.Contains(database.AppliedMigrations, m => m.EndsWith("_InitialSchema", StringComparison.Ordinal));

        var platform = await database.ColumnAsync(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'platform'");
        foreach (var table in Tables) Assert.Contains(table, platform);
        Assert.Contains("__ef_migrations_history", platform);

        var elsewhere = await database.ColumnAsync(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables " +
            "WHERE table_schema NOT IN ('platform', 'pg_catalog', 'information_schema')");
        Assert.Empty(elsewhere);
    }

    [Fact]
    public async Task Applying_again_applies_nothing()
    {
        var applied = await Migrator.ApplyAsync(database.ConnectionString);
        Assert.Empty(applied);
    }

    [Theory]
    [InlineData("jobs", "(team_id, status)", false)]
    [InlineData("jobs", "(status, lease_expires_at)", false)]
    [InlineData("model_variants", "(model_id)", false)]
    [InlineData("model_variants", "(job_id)", true)]
    [InlineData("api_tokens", "(token_hash)", true)]
    public async Task The_queries_the_platform_runs_have_indexes(string table, string columns, bool unique)
    {
        var definitions = await database.ColumnAsync(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'platform' AND tablename = $1", table);
        Assert.Contains(definitions, d => d.EndsWith($"USING btree {columns}", StringComparison.Ordinal)
            && d.StartsWith(unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("jobs", "status")]
    [InlineData("jobs", "kind")]
    [InlineData("jobs", "device")]
    [InlineData("model_variants", "device")]
    [InlineData("worker_instances", "device")]
    public async Task Enum_columns_are_text(string table, string column)
    {
        var type = await database.ScalarAsync<string>(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = 'platform' AND table_name = $1 AND column_name = $2",
            table, column);
        Assert.Equal("character varying", type);
    }

    [Theory]
    [InlineData("jobs", "spec_json")]
    [InlineData("models", "layers_json")]
    [InlineData("data_sets", "arrays_json")]
    [InlineData("model_variants", "spec_json")]
    public async Task Json_columns_are_jsonb(string table, string column)
    {
        var type = await database.ScalarAsync<string>(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = 'platform' AND table_name = $1 AND column_name = $2",
            table, column);
        Assert.Equal("jsonb", type);
    }

    [Fact]
    public async Task A_job_row_holds_enum_names_and_round_trips_through_the_context()
    {
        var team = new Team { Id = Guid.NewGuid(), Name = "enums", CreatedAt = DateTimeOffset.UtcNow };
        var sha = new string('a', 64);
        var model = new Model { Id = Guid.NewGuid(), TeamId = team.Id, Name = "m", ArtifactSha256 = sha, CreatedAt = DateTimeOffset.UtcNow };
        var job = new Job
        {
            Id = Guid.NewGuid(), TeamId = team.Id, ModelId = model.Id, Kind = JobKind.Search, Status = JobStatus.Running,
            Device = DeviceClass.Cuda, SpecJson = """{"default":{"weights":"int8"}}""", Progress = 0.25, CreatedAt = DateTimeOffset.UtcNow,
        };
        await using (var db = database.NewContext())
        {
            db.Teams.Add(team);
            db.Artifacts.Add(new Artifact { Sha256 = sha, CreatedAt = DateTimeOffset.UtcNow });
            db.Models.Add(model);
            db.Jobs.Add(job);
            await db.SaveChangesAsync();
        }

        var stored = await database.ColumnAsync(
            "SELECT status || '/' || kind || '/' || device FROM platform.jobs WHERE id = $1", job.Id);
        Assert.Equal(["Running/Search/Cuda"], stored);

        await using (var db = database.NewContext())
        {
            var read = await db.Jobs.SingleAsync(j => j.Id == job.Id && j.Status == JobStatus.Running);
            Assert.Equal(DeviceClass.Cuda, read.Device);
            Assert.Equal("int8", System.Text.Json.JsonDocument.Parse(read.SpecJson).RootElement.GetProperty("default").GetProperty("weights").GetString());
        }
    }
}
