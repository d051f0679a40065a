using System.Buffers;
using System.Runtime.CompilerServices;

namespace MtlsOperator.Runtime.Wire;

/// <summary>Splits a watch response into its lines (one JSON event each) as UTF-8 bytes, never as text.</summary>
public static class WatchLines
{
    /// <summary>The longest line read: an object is at most ~1.5 MiB in etcd, a few MiB as JSON. A longer line is a broken
    /// or hostile stream, and reading it whole would take memory without bound.</summary>
    public const int MaxLineBytes = 16 * 1024 * 1024;

    /// <summary>The lines of <paramref name="stream"/> without their line ends (<c>\n</c>, or <c>\r\n</c>); blank lines are
    /// skipped, and text after the last line end is a last line. Each line is valid until the next is asked for.</summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int start = 0, filled = 0, scanned = 0;
            while (true)
            {
                var end = Array.IndexOf(buffer, (byte)'\n', scanned, filled - scanned);
                if (end >= 0)
                {
                    var line = Trimmed(buffer, start, end);
                    start = scanned = end + 1;
                    if (!line.IsEmpty)
                    {
                        yield return line;
                    }

                    continue;
                }

                scanned = filled;
                if (filled == buffer.Length)
                {
                    // Room for more of the current line: move it to the front, or into a larger buffer when it fills this one.
                    var length = filled - start;
                    if (length >= MaxLineBytes)
                    {
                        throw new InvalidDataException($"A watch event is longer than {MaxLineBytes} bytes.");
                    }

                    var target = start == 0 ? ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxLineBytes + 1)) : buffer;
                    Buffer.BlockCopy(buffer, start, target, 0, length);
                    if (!ReferenceEquals(target, buffer))
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = target;
                    }

                    start = 0;
                    filled = scanned = length;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    var last = Trimmed(buffer, start, filled);
                    if (!last.IsEmpty)
                    {
                        yield return last;
                    }

                    yield break;
                }

                filled += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ReadOnlyMemory<byte> Trimmed(byte[] buffer, int start, int end)
    {
        if (end > start && buffer[end - 1] == (byte)'\r')
        {
            end--;
        }

        var line = buffer.AsMemory(start, end - start);
        return line.Span.Trim((byte)' ').IsEmpty ? ReadOnlyMemory<byte>.Empty : line;
    }
}
