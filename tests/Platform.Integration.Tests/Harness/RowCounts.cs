namespace Platform.Integration.Tests.Harness;

/// <summary>Rows in every table an upload or a submission writes; a rejected request must leave them unchanged.</summary>
public sealed record RowCounts(long Models, long DataSets, long Jobs, long Artifacts, long ArtifactChunks)
{
    public static async Task<RowCounts> ReadAsync(PostgresDatabase db) => new(
        await db.ScalarAsync<long>("SELECT count(*) FROM platform.models"),
        await db.ScalarAsync<long>("SELECT count(*) FROM platform.data_sets"),
        await db.ScalarAsync<long>("SELECT count(*) FROM platform.jobs"),
        await db.ScalarAsync<long>("SELECT count(*) FROM platform.artifacts"),
        await db.ScalarAsync<long>("SELECT count(*) FROM platform.artifact_chunks"));
}
