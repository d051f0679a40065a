namespace MtlsOperator.Cli.Check;

/// <summary>A pass-through stream that keeps a copy of the first bytes read from the peer (up to a bound), so the plaintext part of
/// a TLS 1.2 handshake can be read afterwards (<see cref="Engine.EndpointCheck.TlsServerFlight"/>).</summary>
internal sealed class RecordingStream(Stream inner, int limit) : Stream
{
    private readonly MemoryStream _recorded = new();

    /// <summary>What was read so far, up to the bound.</summary>
    public ReadOnlySpan<byte> Recorded => _recorded.GetBuffer().AsSpan(0, (int)_recorded.Length);

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Keep(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Keep(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _recorded.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Keep(ReadOnlySpan<byte> read)
    {
        var room = limit - (int)_recorded.Length;
        if (room > 0)
        {
            _recorded.Write(read[..Math.Min(room, read.Length)]);
        }

        return read.Length;
    }
}
