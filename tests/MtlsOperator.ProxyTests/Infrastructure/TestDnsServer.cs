using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>A DNS server on a loopback UDP port that knows one name: NXDOMAIN until <see cref="Publish"/>, then an A record for
/// 127.0.0.1 (AAAA and other types: no answer). Just enough of RFC 1035 for the resolvers of HAProxy and nginx.</summary>
public sealed class TestDnsServer : IAsyncDisposable
{
    private readonly UdpClient _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile bool _published;
    private int _queries;

    public TestDnsServer(string name)
        : this(name, new IPEndPoint(IPAddress.Loopback, 0))
    {
    }

    /// <summary>Listens on <paramref name="endpoint"/>: port 53 of a loopback address plays a nameserver a resolv.conf can name (it has no port syntax).</summary>
    public TestDnsServer(string name, IPEndPoint endpoint)
    {
        _socket = new UdpClient(endpoint);
        Name = name.TrimEnd('.').ToLowerInvariant();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The one name it answers for.</summary>
    public string Name { get; }

    public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    /// <summary>Queries answered so far (of any name and type).</summary>
    public int Queries => Volatile.Read(ref _queries);

    /// <summary>From now on <see cref="Name"/> resolves to 127.0.0.1.</summary>
    public void Publish() => _published = true;

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await _socket.ReceiveAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (Answer(received.Buffer) is { } answer)
            {
                Interlocked.Increment(ref _queries);
                await _socket.SendAsync(answer, received.RemoteEndPoint, _stop.Token);
            }
        }
    }

    /// <summary>The response to one query; null for anything that is not a single-question query.</summary>
    private byte[]? Answer(byte[] query)
    {
        if (query.Length < 12 || BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(4)) != 1)
        {
            return null;
        }

        var labels = new List<string>();
        var at = 12;
        while (at < query.Length && query[at] != 0)
        {
            var length = query[at];
            if (length > 63 || at + 1 + length > query.Length)
            {
                return null;
            }

            labels.Add(Encoding.ASCII.GetString(query, at + 1, length));
            at += 1 + length;
        }

        var questionEnd = at + 5;
        if (questionEnd > query.Length)
        {
            return null;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(at + 1));
        var known = string.Equals(string.Join(".", labels), Name, StringComparison.OrdinalIgnoreCase) && _published;
        var answers = known && type == 1 ? 1 : 0;
        var response = new List<byte>();
        response.AddRange(query.AsSpan(0, 2).ToArray());
        // QR, opcode 0, AA, RD copied; RA; RCODE 0 (NOERROR) or 3 (NXDOMAIN, the name does not exist yet).
        response.AddRange([(byte)(0x84 | (query[2] & 0x01)), (byte)(0x80 | (known ? 0 : 3))]);
        response.AddRange([0, 1, 0, (byte)answers, 0, 0, 0, 0]);
        response.AddRange(query.AsSpan(12, questionEnd - 12).ToArray());
        if (answers == 1)
        {
            // Name: pointer to the question; type A, class IN, TTL 1 s, 4 bytes: 127.0.0.1.
            response.AddRange([0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 127, 0, 0, 1]);
        }

        return [.. response];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
