namespace Platform.Data.Tests;

/// <summary>
/// A non-seekable source of <c>length</c> pseudo-random bytes made on the fly (the test never holds
/// them all), in uneven reads, that can throw or cancel part-way to act as a failing upload.
/// </summary>
internal sealed class PatternStream(long length, int seed, long failAt = -1, Action? onFail = null) : Stream
{
    private readonly Random _random = new(seed);
    private long _position;
    private int _reads;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        if (failAt >= 0 && _position >= failAt)
        {
            if (onFail is null) throw new IOException($"source failed at byte {_position}");
            onFail();
        }
        // Uneven sizes so the store has to assemble chunks from several reads.
        int want = (int)Math.Min(Math.Min(destination.Length, 100_000 + 37_000 * (_reads++ % 7)), length - _position);
        if (failAt >= 0) want = (int)Math.Min(want, Math.Max(1, failAt - _position));
        _random.NextBytes(destination[..want]);
        _position += want;
        return want;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(destination.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
