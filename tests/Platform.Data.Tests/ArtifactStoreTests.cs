using System.Security.Cryptography;
using Platform.Data.Artifacts;
using Platform.Data.Entities;

namespace Platform.Data.Tests;

public sealed class ArtifactStoreTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private const int MiB = 1 << 20;
    private static readonly ArtifactStoreOptions Options = new();

    private (PlatformDbContext Db, ArtifactStore Store) Open(ArtifactStoreOptions? options = null)
    {
        var db = database.NewContext();
        return (db, new ArtifactStore(db, options ?? Options));
    }

    private async Task<(long Artifacts, long Chunks)> CountAsync() =>
        (await database.ScalarAsync<long>("SELECT count(*) FROM platform.artifacts"),
         await database.ScalarAsync<long>("SELECT count(*) FROM platform.artifact_chunks"));

    private static string Sha256Of(long length, int seed)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var source = new PatternStream(length, seed);
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = source.Read(buffer)) > 0) hash.AppendData(buffer, 0, n);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Reads <paramref name="actual"/> to its end and checks it against the pattern, a block at a time.</summary>
    private static async Task AssertSameBytesAsync(long length, int seed, Stream actual, int blockSize = 256 * 1024)
    {
        using var expected = new PatternStream(length, seed);
        var a = new byte[blockSize];
        var e = new byte[blockSize];
        long position = 0;
        while (true)
        {
            int n = await actual.ReadAsync(a);
            if (n == 0) break;
            int m = 0;
            while (m < n) { int k = expected.Read(e.AsSpan(m, n - m)); Assert.True(k > 0, $"stored artifact is longer than {length} bytes"); m += k; }
            if (!a.AsSpan(0, n).SequenceEqual(e.AsSpan(0, n)))
                Assert.Fail($"bytes differ in [{position}, {position + n})");
            position += n;
        }
        Assert.Equal(length, position);
    }

    [Fact]
    public async Task A_20_MiB_stream_round_trips_byte_for_byte_one_chunk_at_a_time()
    {
        const long length = 20L * MiB;
        var (db, store) = Open();
        await using var _ = db;

        var info = await store.PutAsync(new PatternStream(length, seed: 1), CancellationToken.None);

        Assert.Equal(length, info.SizeBytes);
        Assert.Equal(Sha256Of(length, 1), info.Sha256);
        Assert.Equal(20, await database.ScalarAsync<int>("SELECT chunk_count FROM platform.artifacts WHERE sha256 = $1", info.Sha256));
        Assert.Equal(20L, await database.ScalarAsync<long>("SELECT count(*) FROM platform.artifact_chunks WHERE sha256 = $1", info.Sha256));
        Assert.Equal(MiB, await database.ScalarAsync<int>("SELECT max(octet_length(data)) FROM platform.artifact_chunks WHERE sha256 = $1", info.Sha256));

        await using var read = await store.OpenReadAsync(info.Sha256);
        Assert.Equal(length, read.Length);
        var head = new byte[1000];
        Assert.Equal(1000, await read.ReadAsync(head));
        Assert.Equal(1, read.ChunksFetched);
        read.Position = 0;
        await AssertSameBytesAsync(length, 1, read);
        // Chunk 0 is still the one held after the rewind, so each chunk was fetched exactly once.
        Assert.Equal(20, read.ChunksFetched);
    }

    [Fact]
    public async Task A_length_that_is_not_a_whole_number_of_chunks_round_trips_and_seeks()
    {
        const long length = 3L * MiB + 123;
        var (db, store) = Open();
        await using var _ = db;
        var info = await store.PutAsync(new PatternStream(length, seed: 2), CancellationToken.None);
        Assert.Equal(4, await database.ScalarAsync<int>("SELECT chunk_count FROM platform.artifacts WHERE sha256 = $1", info.Sha256));

        await using (var read = await store.OpenReadAsync(info.Sha256.ToUpperInvariant()))
            await AssertSameBytesAsync(length, 2, read, blockSize: 100_000);

        // The last chunk holds 123 bytes, so the last 200 span two chunks: exactly those two are fetched.
        await using (var read = await store.OpenReadAsync(info.Sha256))
        {
            read.Seek(-200, SeekOrigin.End);
            var tail = new byte[200];
            int got = 0;
            while (got < tail.Length) got += read.Read(tail, got, tail.Length - got);
            var whole = new byte[length];
            using var expected = new PatternStream(length, 2);
            int at = 0;
            while (at < whole.Length) at += expected.Read(whole, at, whole.Length - at);
            Assert.Equal(whole.AsSpan((int)length - 200).ToArray(), tail);
            Assert.Equal(2, read.ChunksFetched);
            Assert.Equal(0, read.Read(tail, 0, 1));
        }
    }

    [Fact]
    public async Task Empty_content_is_an_artifact_with_no_chunks()
    {
        var (db, store) = Open();
        await using var _ = db;
        var info = await store.PutAsync(new MemoryStream(), CancellationToken.None);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", info.Sha256);
        await using var read = await store.OpenReadAsync(info.Sha256);
        Assert.Equal(0, await read.ReadAsync(new byte[10]));
    }

    [Fact]
    public async Task The_same_bytes_twice_are_stored_once()
    {
        const long length = 5L * MiB + 7;
        var before = await CountAsync();
        var (db, store) = Open();
        await using var _ = db;

        var first = await store.PutAsync(new PatternStream(length, seed: 3), CancellationToken.None);
        var second = await store.PutAsync(new PatternStream(length, seed: 3), CancellationToken.None);

        Assert.Equal(first, second);
        var after = await CountAsync();
        Assert.Equal(before.Artifacts + 1, after.Artifacts);
        Assert.Equal(before.Chunks + 6, after.Chunks);
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM platform.artifact_chunks WHERE sha256 LIKE 'staging-%'"));
    }

    [Fact]
    public async Task An_upload_over_the_limit_throws_and_leaves_no_rows_or_chunks()
    {
        var before = await CountAsync();
        var (db, store) = Open(new ArtifactStoreOptions { MaxBytes = 4L * MiB });
        await using var _ = db;

        var e = await Assert.ThrowsAsync<ArtifactTooLargeException>(() => store.PutAsync(new PatternStream(4L * MiB + 1, seed: 4)));
        Assert.Equal(4L * MiB, e.MaxBytes);
        Assert.Equal(before, await CountAsync());
        // A source that knows its length is refused before a byte is read.
        var known = new MemoryStream(new byte[4 * MiB + 1]);
        await Assert.ThrowsAsync<ArtifactTooLargeException>(() => store.PutAsync(known));
        Assert.Equal(0, known.Position);
        Assert.Equal(before, await CountAsync());

        // Exactly at the limit is accepted, and the explicit limit overrides the configured one.
        var atLimit = await store.PutAsync(new PatternStream(4L * MiB, seed: 4));
        Assert.Equal(4L * MiB, atLimit.SizeBytes);
        await Assert.ThrowsAsync<ArtifactTooLargeException>(() => store.PutAsync(new PatternStream(2 * MiB, seed: 5), maxBytes: MiB));
        Assert.Equal((before.Artifacts + 1, before.Chunks + 4), await CountAsync());
    }

    [Fact]
    public async Task A_source_that_fails_half_way_leaves_no_rows_or_chunks()
    {
        var before = await CountAsync();
        var (db, store) = Open();
        await using var _ = db;

        var e = await Assert.ThrowsAsync<IOException>(() => store.PutAsync(new PatternStream(8L * MiB, seed: 6, failAt: 4L * MiB + 5)));
        Assert.Contains("source failed", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync());

        // The context stays usable after the rollback.
        var info = await store.PutAsync(new PatternStream(MiB / 2, seed: 6));
        Assert.Equal(MiB / 2, info.SizeBytes);
    }

    [Fact]
    public async Task A_cancelled_upload_leaves_no_rows_or_chunks()
    {
        var before = await CountAsync();
        using var cts = new CancellationTokenSource();
        var (db, store) = Open();
        await using var _ = db;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            store.PutAsync(new PatternStream(8L * MiB, seed: 7, failAt: 3L * MiB, onFail: cts.Cancel), cts.Token));
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Concurrent_identical_uploads_store_one_artifact()
    {
        const long length = 3L * MiB;
        var before = await CountAsync();

        var uploads = Enumerable.Range(0, 4).Select(async _ =>
        {
            var (db, store) = Open();
            await using (db)
                return await store.PutAsync(new PatternStream(length, seed: 8));
        }).ToArray();
        var results = await Task.WhenAll(uploads);

        Assert.All(results, r => Assert.Equal(results[0], r));
        Assert.Equal(Sha256Of(length, 8), results[0].Sha256);
        Assert.Equal((before.Artifacts + 1, before.Chunks + 3), await CountAsync());
    }

    [Fact]
    public async Task A_put_inside_the_callers_transaction_lives_and_dies_with_it()
    {
        var before = await CountAsync();
        var (db, store) = Open();
        await using var _ = db;

        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            await store.PutAsync(new PatternStream(2 * MiB, seed: 9));
            await tx.RollbackAsync();
        }
        Assert.Equal(before, await CountAsync());

        string sha;
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            sha = (await store.PutAsync(new PatternStream(2 * MiB, seed: 9))).Sha256;
            // Storing the same bytes again inside the same transaction keeps one copy.
            Assert.Equal(sha, (await store.PutAsync(new PatternStream(2 * MiB, seed: 9))).Sha256);
            // A failing put rolls back to its savepoint; the transaction goes on.
            await Assert.ThrowsAsync<IOException>(() => store.PutAsync(new PatternStream(2 * MiB, seed: 10, failAt: MiB + 1)));
            await tx.CommitAsync();
        }
        Assert.Equal((before.Artifacts + 1, before.Chunks + 2), await CountAsync());
        Assert.NotNull(await store.FindAsync(sha));
    }

    [Fact]
    public async Task Delete_if_unreferenced_keeps_what_a_model_points_at()
    {
        var (db, store) = Open();
        await using var _ = db;
        var kept = await store.PutAsync(new PatternStream(MiB + 1, seed: 11));
        var dropped = await store.PutAsync(new PatternStream(MiB + 1, seed: 12));
        var team = new Team { Id = Guid.NewGuid(), Name = "retention", CreatedAt = DateTimeOffset.UtcNow };
        db.Teams.Add(team);
        db.Models.Add(new Model { Id = Guid.NewGuid(), TeamId = team.Id, Name = "m", ArtifactSha256 = kept.Sha256, SizeBytes = kept.SizeBytes, CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();

        Assert.False(await store.DeleteIfUnreferencedAsync(kept.Sha256));
        Assert.True(await store.DeleteIfUnreferencedAsync(dropped.Sha256));

        Assert.NotNull(await store.FindAsync(kept.Sha256));
        Assert.Null(await store.FindAsync(dropped.Sha256));
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM platform.artifact_chunks WHERE sha256 = $1", dropped.Sha256));
        Assert.Equal(2L, await database.ScalarAsync<long>("SELECT count(*) FROM platform.artifact_chunks WHERE sha256 = $1", kept.Sha256));
        await Assert.ThrowsAsync<ArtifactNotFoundException>(() => store.OpenReadAsync(dropped.Sha256));
    }
}
