using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TestPki.CrlServer;

/// <summary>What the server does when a path is asked for.</summary>
public abstract record CrlAnswer
{
    /// <summary>200 with the body (and an ETag naming its content, so conditional requests get 304 while it is unchanged).</summary>
    public sealed record Serve(byte[] Body) : CrlAnswer;

    /// <summary>Any status without a body, e.g. 404 or 503.</summary>
    public sealed record Status(int Code) : CrlAnswer;

    /// <summary>Reads the request and never answers (until the connection is dropped).</summary>
    public sealed record Hang : CrlAnswer;

    /// <summary>200 with a Content-Length and the body one byte every <paramref name="Every"/> (a slow-drip, slowloris-style server).</summary>
    public sealed record Drip(byte[] Body, TimeSpan Every) : CrlAnswer;

    /// <summary>200 streaming <paramref name="Bytes"/> bytes; with <paramref name="Announce"/> false, no Content-Length (chunked body).</summary>
    public sealed record Oversized(long Bytes, bool Announce) : CrlAnswer;

    /// <summary>A 302 to <paramref name="Location"/>.</summary>
    public sealed record Redirect(string Location) : CrlAnswer;
}

/// <summary>A tiny HTTP/1.1 server on 127.0.0.1 for CRL fetch tests: it serves, changes, corrupts and withholds CRLs per path as a test
/// tells it, and records every request (with its headers) it got. Raw sockets, so a test controls every byte and every delay.</summary>
public sealed class TestCrlServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, CrlAnswer> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Path, IReadOnlyDictionary<string, string> Headers)> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accept;

    public TestCrlServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>The URL of <paramref name="path"/> on this server, e.g. <c>http://127.0.0.1:PORT/issuing.crl</c>.</summary>
    public string UrlOf(string path) => $"http://127.0.0.1:{Port}/{path.TrimStart('/')}";

    /// <summary>Sets what <paramref name="path"/> answers from now on.</summary>
    public void Set(string path, CrlAnswer answer) => _answers["/" + path.TrimStart('/')] = answer;

    /// <summary>Serves <paramref name="body"/> at <paramref name="path"/>.</summary>
    public void Serve(string path, byte[] body) => Set(path, new CrlAnswer.Serve(body));

    /// <summary>Requests received for <paramref name="path"/>.</summary>
    public int RequestsFor(string path) => _requests.Count(r => r.Path == "/" + path.TrimStart('/'));

    /// <summary>Every request received, in order, with its headers (names lowercase).</summary>
    public IReadOnlyList<(string Path, IReadOnlyDictionary<string, string> Headers)> Requests => [.. _requests];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        Task[] open;
        lock (_connections)
        {
            open = [.. _connections];
        }

        await Task.WhenAll(open.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            lock (_connections)
            {
                _connections.Add(Task.Run(() => ServeAsync(client)));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            while (!_stop.IsCancellationRequested)
            {
                var (path, headers) = await ReadRequestAsync(stream, _stop.Token);
                if (path is null)
                {
                    return;
                }

                _requests.Enqueue((path, headers));
                var answer = _answers.TryGetValue(path, out var a) ? a : new CrlAnswer.Status(404);
                if (!await AnswerAsync(stream, answer, headers, _stop.Token))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away (or gave up on a slow answer): what the tests do on purpose.
        }
    }

    /// <summary>Answers; false when the connection must be closed after it.</summary>
    private static async Task<bool> AnswerAsync(NetworkStream stream, CrlAnswer answer, IReadOnlyDictionary<string, string> headers, CancellationToken ct)
    {
        switch (answer)
        {
            case CrlAnswer.Serve serve:
                var etag = "\"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(serve.Body))[..16] + "\"";
                if (headers.TryGetValue("if-none-match", out var given) && given == etag)
                {
                    await WriteAsync(stream, $"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nContent-Length: 0\r\n\r\n", ct);
                    return true;
                }

                await WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Type: application/pkix-crl\r\nETag: {etag}\r\nContent-Length: {serve.Body.Length}\r\n\r\n", ct);
                await stream.WriteAsync(serve.Body, ct);
                return true;
            case CrlAnswer.Status status:
                await WriteAsync(stream, $"HTTP/1.1 {status.Code} Test\r\nContent-Length: 0\r\n\r\n", ct);
                return true;
            case CrlAnswer.Hang:
                await Task.Delay(Timeout.Infinite, ct);
                return false;
            case CrlAnswer.Drip drip:
                await WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Type: application/pkix-crl\r\nContent-Length: {drip.Body.Length}\r\n\r\n", ct);
                foreach (var b in drip.Body)
                {
                    await stream.WriteAsync(new[] { b }, ct);
                    await Task.Delay(drip.Every, ct);
                }

                return true;
            case CrlAnswer.Oversized big:
                await WriteAsync(stream, big.Announce
                    ? $"HTTP/1.1 200 OK\r\nContent-Length: {big.Bytes}\r\n\r\n"
                    : "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", ct);
                var chunk = new byte[64 * 1024];
                for (long sent = 0; sent < big.Bytes; sent += chunk.Length)
                {
                    if (!big.Announce)
                    {
                        await WriteAsync(stream, $"{chunk.Length:x}\r\n", ct);
                    }

                    await stream.WriteAsync(chunk, ct);
                    if (!big.Announce)
                    {
                        await WriteAsync(stream, "\r\n", ct);
                    }
                }

                if (!big.Announce)
                {
                    await WriteAsync(stream, "0\r\n\r\n", ct);
                }

                return false;
            case CrlAnswer.Redirect redirect:
                await WriteAsync(stream, $"HTTP/1.1 302 Found\r\nLocation: {redirect.Location}\r\nContent-Length: 0\r\n\r\n", ct);
                return true;
            default:
                throw new ArgumentOutOfRangeException(nameof(answer));
        }
    }

    private static Task WriteAsync(NetworkStream stream, string text, CancellationToken ct) => stream.WriteAsync(Encoding.ASCII.GetBytes(text), ct).AsTask();

    /// <summary>Reads one request head (a GET has no body); path null at the end of the connection.</summary>
    private static async Task<(string? Path, IReadOnlyDictionary<string, string> Headers)> ReadRequestAsync(NetworkStream stream, CancellationToken ct)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, ct) == 0 || head.Length > 64 * 1024)
            {
                return (null, new Dictionary<string, string>());
            }

            head.Append((char)one[0]);
        }

        var lines = head.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var parts = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.Ordinal);
        return (parts.Length > 1 ? parts[1] : "/", headers);
    }
}
