using System.Text;
using CsCheck;
using MtlsOperator.Runtime.Wire;

namespace MtlsOperator.Runtime.Tests.Wire;

/// <summary>A watch response split into lines: seeded random lines (some longer than the reader's first buffer), ends
/// (<c>\n</c>, <c>\r\n</c>, none after the last) and read sizes (one byte to a whole buffer); on failure CsCheck prints the
/// seed, replay with <c>CsCheck_Seed</c>.</summary>
public sealed class WatchLinesTests
{
    private static readonly Gen<byte[]> LineBytes = Gen.OneOf(
        Gen.Byte.Where(b => b is not (byte)'\n' and not (byte)'\r').Array[1, 200],
        Gen.Byte.Where(b => b is not (byte)'\n' and not (byte)'\r').Array[60_000, 200_000]);

    [Fact]
    public void Every_line_comes_out_whole_whatever_the_read_sizes()
    {
        Gen.Select(LineBytes.Where(l => l.Any(b => b != (byte)' ')).Array[0, 12], Gen.Bool, Gen.Bool, Gen.Int[1, 70_000]).Sample((lines, crlf, endsWithNewline, readSize) =>
        {
            var end = crlf ? "\r\n"u8.ToArray() : "\n"u8.ToArray();
            var stream = new MemoryStream();
            for (var i = 0; i < lines.Length; i++)
            {
                stream.Write(lines[i]);
                if (i < lines.Length - 1 || endsWithNewline)
                {
                    stream.Write(end);
                }
            }

            var read = Read(new TrickleStream(stream.ToArray(), readSize));

            Assert.Equal(lines.Length, read.Count);
            for (var i = 0; i < lines.Length; i++)
            {
                Assert.Equal(lines[i], read[i]);
            }
        }, iter: 300);
    }

    [Fact]
    public void Blank_lines_between_events_are_skipped()
    {
        var read = Read(new MemoryStream("\n{\"a\":1}\n\n \r\n{\"b\":2}\n\n"u8.ToArray()));

        Assert.Equal(["{\"a\":1}", "{\"b\":2}"], read.Select(l => Encoding.UTF8.GetString(l)));
    }

    [Fact]
    public void A_line_longer_than_the_limit_ends_the_stream_as_broken()
    {
        var endless = new TrickleStream(Enumerable.Repeat((byte)'x', WatchLines.MaxLineBytes + 10).ToArray(), 1 << 20);

        Assert.Throws<InvalidDataException>(() => Read(endless));
    }

    private static List<byte[]> Read(Stream stream)
    {
        var lines = new List<byte[]>();
        var enumerator = WatchLines.ReadAsync(stream, CancellationToken.None).GetAsyncEnumerator();
        try
        {
            while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                lines.Add(enumerator.Current.ToArray());
            }
        }
        finally
        {
            enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return lines;
    }

    /// <summary>Hands out at most <c>readSize</c> bytes per read, as a network stream does.</summary>
    private sealed class TrickleStream(byte[] data, int readSize) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, readSize), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
