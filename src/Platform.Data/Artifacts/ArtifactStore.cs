using System.Buffers;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Platform.Data.Entities;

namespace Platform.Data.Artifacts;

/// <summary>
/// Content-addressed, chunked blob store in PostgreSQL. It works on the context's connection, so a
/// put joins the caller's transaction when there is one (under a savepoint) and runs in its own
/// otherwise. Neither direction ever holds more than one chunk in memory. Design: ADR 0004.
/// </summary>
public sealed class ArtifactStore(PlatformDbContext db, ArtifactStoreOptions options)
{
    private const string Savepoint = "artifact_put";
    private const string Chunks = $"{PlatformDbContext.Schema}.artifact_chunks";
    private const string Artifacts = $"{PlatformDbContext.Schema}.artifacts";

    public ArtifactStoreOptions Options => options;

    /// <summary>Stores <paramref name="content"/> with the configured size limit.</summary>
    public Task<ArtifactInfo> PutAsync(Stream content, CancellationToken cancellationToken = default) =>
        PutAsync(content, options.MaxBytes, cancellationToken);

    /// <summary>
    /// Streams <paramref name="content"/> into chunk rows while hashing it. Bytes already stored are
    /// not stored again. On any failure (too large, the source throws, cancellation) nothing remains.
    /// </summary>
    /// <exception cref="ArtifactTooLargeException">The content is longer than <paramref name="maxBytes"/>.</exception>
    public async Task<ArtifactInfo> PutAsync(Stream content, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        if (content.CanSeek && content.Length - content.Position > maxBytes)
            throw new ArtifactTooLargeException(maxBytes);

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var outer = db.Database.CurrentTransaction;
            var tx = outer ?? await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                if (outer is not null)
                    await outer.CreateSavepointAsync(Savepoint, cancellationToken);
                try
                {
                    var (info, created) = await WriteAsync(content, maxBytes, tx, cancellationToken);
                    // When the bytes were already there, the staged chunks are thrown away by rolling back.
                    if (outer is null)
                    {
                        if (created) await tx.CommitAsync(cancellationToken);
                        else await tx.RollbackAsync(cancellationToken);
                    }
                    else if (created) await outer.ReleaseSavepointAsync(Savepoint, cancellationToken);
                    else await outer.RollbackToSavepointAsync(Savepoint, cancellationToken);
                    return info;
                }
                catch
                {
                    await UndoAsync(outer, tx);
                    throw;
                }
            }
            finally
            {
                if (outer is null) await tx.DisposeAsync();
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The artifact's size, or null when it is not stored.</summary>
    public async Task<ArtifactInfo?> FindAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var key = NormalizeSha(sha256);
        var row = await db.Artifacts.AsNoTracking().Where(a => a.Sha256 == key)
            .Select(a => new ArtifactInfo(a.Sha256, a.SizeBytes)).FirstOrDefaultAsync(cancellationToken);
        return row;
    }

    /// <summary>
    /// A read-only stream over the artifact that fetches one chunk at a time, on the context's
    /// connection: read it while the context is alive, and not alongside other queries on it.
    /// </summary>
    /// <exception cref="ArtifactNotFoundException">No artifact has this hash.</exception>
    public async Task<ArtifactReadStream> OpenReadAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var key = NormalizeSha(sha256);
        var artifact = await db.Artifacts.AsNoTracking().FirstOrDefaultAsync(a => a.Sha256 == key, cancellationToken)
            ?? throw new ArtifactNotFoundException(key);
        await db.Database.OpenConnectionAsync(cancellationToken);
        return new ArtifactReadStream(db, artifact);
    }

    /// <summary>
    /// Deletes the artifact and its chunks when no row references it (models, data sets, variants,
    /// whatever else has a foreign key to it). Returns whether it was deleted.
    /// </summary>
    public async Task<bool> DeleteIfUnreferencedAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var key = NormalizeSha(sha256);
        var artifactType = db.Model.FindEntityType(typeof(Artifact))!;
        var unreferenced = string.Concat(artifactType.GetReferencingForeignKeys().Select(fk =>
            $" AND NOT EXISTS (SELECT 1 FROM {Quote(fk.DeclaringEntityType.GetSchema())}.{Quote(fk.DeclaringEntityType.GetTableName()!)}" +
            $" WHERE {Quote(fk.Properties[0].GetColumnName())} = @sha)"));

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var outer = db.Database.CurrentTransaction;
            var tx = outer ?? await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                var conn = (NpgsqlConnection)db.Database.GetDbConnection();
                await using var delete = new NpgsqlCommand(
                    $"DELETE FROM {Artifacts} WHERE sha256 = @sha{unreferenced}", conn, (NpgsqlTransaction)tx.GetDbTransaction());
                delete.Parameters.AddWithValue("sha", key);
                bool deleted = await delete.ExecuteNonQueryAsync(cancellationToken) == 1;
                if (deleted)
                {
                    delete.CommandText = $"DELETE FROM {Chunks} WHERE sha256 = @sha";
                    await delete.ExecuteNonQueryAsync(cancellationToken);
                }
                if (outer is null) await tx.CommitAsync(cancellationToken);
                return deleted;
            }
            finally
            {
                if (outer is null) await tx.DisposeAsync();
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<(ArtifactInfo Info, bool Created)> WriteAsync(
        Stream content, long maxBytes, IDbContextTransaction tx, CancellationToken cancellationToken)
    {
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var npgsqlTx = (NpgsqlTransaction)tx.GetDbTransaction();
        int chunkSize = options.ChunkSize;
        // Staging keys cannot collide with a hash: they are not 64 hex digits.
        string stagingKey = "staging-" + Guid.NewGuid().ToString("N");

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO {Chunks} (sha256, \"index\", data) VALUES ($1, $2, $3)", conn, npgsqlTx);
        var index = new NpgsqlParameter<int> { TypedValue = 0 };
        var data = new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea };
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stagingKey });
        insert.Parameters.Add(index);
        insert.Parameters.Add(data);

        // Two buffers: the next chunk is read from the source while the previous one is being
        // sent, so an upload costs max(read, write) rather than their sum.
        byte[][] buffers = [ArrayPool<byte>.Shared.Rent(chunkSize), ArrayPool<byte>.Shared.Rent(chunkSize)];
        Task? inFlight = null;
        try
        {
            long total = 0;
            int count = 0;
            for (int current = 0; ; current ^= 1)
            {
                var buffer = buffers[current];
                int filled = await FillAsync(content, buffer.AsMemory(0, chunkSize), cancellationToken);
                if (filled == 0) break;
                total += filled;
                if (total > maxBytes) throw new ArtifactTooLargeException(maxBytes);
                hash.AppendData(buffer, 0, filled);
                if (inFlight is not null) await inFlight;
                index.TypedValue = count++;
                data.TypedValue = buffer.AsMemory(0, filled);
                inFlight = insert.ExecuteNonQueryAsync(cancellationToken);
                if (filled < chunkSize) break;
            }
            if (inFlight is not null) await inFlight;
            inFlight = null;

            string sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            // A concurrent upload of the same bytes waits here on the unique key until the first
            // commits, then sees the row and inserts nothing.
            await using var claim = new NpgsqlCommand(
                $"INSERT INTO {Artifacts} (sha256, size_bytes, chunk_size, chunk_count, created_at) " +
                "VALUES ($1, $2, $3, $4, now()) ON CONFLICT (sha256) DO NOTHING", conn, npgsqlTx);
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sha });
            claim.Parameters.Add(new NpgsqlParameter<long> { TypedValue = total });
            claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = chunkSize });
            claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
            bool created = await claim.ExecuteNonQueryAsync(cancellationToken) == 1;
            if (created)
            {
                // Only the key changes: PostgreSQL keeps the out-of-line chunk data where it is.
                await using var rekey = new NpgsqlCommand($"UPDATE {Chunks} SET sha256 = $1 WHERE sha256 = $2", conn, npgsqlTx);
                rekey.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sha });
                rekey.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stagingKey });
                await rekey.ExecuteNonQueryAsync(cancellationToken);
            }
            return (new ArtifactInfo(sha, total), created);
        }
        finally
        {
            // The connection must be idle before the caller rolls back, and the buffer free before it is returned.
            if (inFlight is not null)
                await inFlight.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            foreach (var buffer in buffers) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task UndoAsync(IDbContextTransaction? outer, IDbContextTransaction tx)
    {
        try
        {
            if (outer is null) await tx.RollbackAsync(CancellationToken.None);
            else await outer.RollbackToSavepointAsync(Savepoint, CancellationToken.None);
        }
        catch (Exception) when (outer is null)
        {
            // The connection is broken: the server rolls the transaction back on its own.
        }
    }

    private static async Task<int> FillAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int n = await source.ReadAsync(buffer[filled..], cancellationToken);
            if (n == 0) break;
            filled += n;
        }
        return filled;
    }

    internal static string NormalizeSha(string sha256)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigit))
            throw new ArgumentException($"'{sha256}' is not a SHA-256 in hex (64 hex digits).", nameof(sha256));
        return sha256.ToLowerInvariant();
    }

    private static string Quote(string? identifier) => "\"" + identifier + "\"";
}
