using System.Buffers;
using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Platform.Data.Entities;

namespace Platform.Data.Artifacts;

/// <summary>
/// Read-only, seekable view of one artifact: holds a single chunk and fetches the next one when
/// the reader gets there. Disposing it releases the context's connection.
/// </summary>
public sealed class ArtifactReadStream : Stream
{
    private readonly PlatformDbContext _db;
    private readonly string _sha256;
    private readonly long _length;
    private readonly int _chunkSize;
    private readonly int _chunkCount;
    private byte[]? _buffer;
    private int _loadedChunk = -1;
    private int _loadedLength;
    private long _position;
    private bool _disposed;

    internal ArtifactReadStream(PlatformDbContext db, Artifact artifact)
    {
        _db = db;
        _sha256 = artifact.Sha256;
        _length = artifact.SizeBytes;
        _chunkSize = artifact.ChunkSize;
        _chunkCount = artifact.ChunkCount;
    }

    public string Sha256 => _sha256;

    /// <summary>How many chunk rows this stream has fetched so far.</summary>
    public int ChunksFetched { get; private set; }

    public override bool CanRead => !_disposed;
    public override bool CanSeek => !_disposed;
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        if (!Prepare(destination.Length, out int chunk)) return 0;
        if (chunk != _loadedChunk) LoadAsync(chunk, async: false, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return CopyOut(destination);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (!Prepare(destination.Length, out int chunk)) return 0;
        if (chunk != _loadedChunk) await LoadAsync(chunk, async: true, cancellationToken);
        return CopyOut(destination.Span);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        Position = target;
        return _position;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException("Artifacts are immutable.");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Artifacts are immutable.");

    private bool Prepare(int requested, out int chunk)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        chunk = (int)(_position / _chunkSize);
        return requested > 0 && _position < _length;
    }

    private int CopyOut(Span<byte> destination)
    {
        int offset = (int)(_position % _chunkSize);
        int n = Math.Min(destination.Length, _loadedLength - offset);
        _buffer.AsSpan(offset, n).CopyTo(destination);
        _position += n;
        return n;
    }

    private async ValueTask LoadAsync(int chunk, bool async, CancellationToken cancellationToken)
    {
        int expected = chunk < _chunkCount - 1 ? _chunkSize : (int)(_length - (long)_chunkSize * (_chunkCount - 1));
        _buffer ??= ArrayPool<byte>.Shared.Rent(_chunkSize);
        _loadedChunk = -1;

        var conn = (NpgsqlConnection)_db.Database.GetDbConnection();
        await using var cmd = new NpgsqlCommand(
            $"SELECT data FROM {PlatformDbContext.Schema}.artifact_chunks WHERE sha256 = $1 AND \"index\" = $2", conn,
            (NpgsqlTransaction?)_db.Database.CurrentTransaction?.GetDbTransaction());
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _sha256 });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = chunk });

        await using var reader = async
            ? await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken)
            : cmd.ExecuteReader(CommandBehavior.SequentialAccess);
        if (!(async ? await reader.ReadAsync(cancellationToken) : reader.Read()))
            throw new InvalidDataException($"Artifact {_sha256} is missing chunk {chunk} of {_chunkCount}.");
        await using var data = async ? await reader.GetStreamAsync(0, cancellationToken) : reader.GetStream(0);
        int filled = 0;
        while (filled < _chunkSize)
        {
            var free = _buffer.AsMemory(filled, _chunkSize - filled);
            int n = async ? await data.ReadAsync(free, cancellationToken) : data.Read(free.Span);
            if (n == 0) break;
            filled += n;
        }
        if (filled != expected || (async ? await data.ReadAsync(new byte[1], cancellationToken) : data.Read(new byte[1])) != 0)
            throw new InvalidDataException($"Artifact {_sha256} chunk {chunk} holds {filled}+ bytes where {expected} were stored.");

        _loadedChunk = chunk;
        _loadedLength = filled;
        ChunksFetched++;
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            Release();
            _db.Database.CloseConnection();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            Release();
            await _db.Database.CloseConnectionAsync();
        }
        GC.SuppressFinalize(this);
    }

    private void Release()
    {
        if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }
}
