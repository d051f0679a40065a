using System.Diagnostics.CodeAnalysis;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>An HTTPS app behind the proxy (TLS 1.2/1.3 with <paramref name="serverCertificate"/> and its chain): answers 200 with the
/// request headers as JSON, plus <see cref="ClientCertificateHeader"/> holding the SHA-256 of the client certificate the proxy
/// presented (empty for none). It asks for a client certificate but accepts any, so a test sees what the proxy sent.</summary>
public sealed class TlsEchoUpstream : IUpstreamApp
{
    /// <summary>Pseudo-header recorded with each request: lowercase hex SHA-256 of the certificate the proxy presented, or "".</summary>
    public const string ClientCertificateHeader = "x-upstream-saw-client-cert";

    /// <summary>Pseudo-header recorded with each request: the SNI the proxy sent, or "".</summary>
    public const string ServerNameHeader = "x-upstream-saw-sni";

    private readonly TcpListener _listener;
    private readonly SslStreamCertificateContext _context;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private TlsEchoUpstream(TcpListener listener, X509Certificate2 serverCertificate, X509Certificate2Collection chain)
    {
        _listener = listener;
        _context = SslStreamCertificateContext.Create(serverCertificate, chain, offline: true);
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Requests { get; } = new();

    /// <summary>Handshakes that failed on the app's side (the proxy refused the app's certificate, or sent no TLS).</summary>
    public int FailedHandshakes => _failedHandshakes;

    private int _failedHandshakes;

    /// <summary>Starts on an ephemeral loopback port (the kernel picks it, so no race with other tests).</summary>
    public static TlsEchoUpstream Start(X509Certificate2 serverCertificate, params X509Certificate2[] chain)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new TlsEchoUpstream(listener, serverCertificate, [.. chain]);
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(client));
        }
    }

    [SuppressMessage("Security", "CA5359:Do Not Disable Certificate Validation", Justification = "A test upstream that echoes what the proxy presented as a client, whatever it was: the tests assert on that.")]
    private async Task HandleAsync(TcpClient client)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = _context,
                ClientCertificateRequired = true,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }, timeout.Token);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            Interlocked.Increment(ref _failedHandshakes);
            return;
        }

        try
        {
            var headers = await ReadHeadersAsync(tls, timeout.Token);
            if (headers is null)
            {
                return;
            }

            headers[ClientCertificateHeader] = tls.RemoteCertificate is { } presented
                ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(presented.GetRawCertData()))
                : "";
            headers[ServerNameHeader] = tls.TargetHostName ?? "";
            Requests.Enqueue(headers);
            var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(headers));
            var head = Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
            await tls.WriteAsync(head, timeout.Token);
            await tls.WriteAsync(body, timeout.Token);
            await tls.FlushAsync(timeout.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
        }
    }

    /// <summary>The request head's headers (names lower-case, repeats joined with ','); null when the connection ends first.</summary>
    private static async Task<Dictionary<string, string>?> ReadHeadersAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 64 * 1024)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return null;
            }

            buffer.Add(one[0]);
            if (buffer.Count >= 4 && buffer[^1] == '\n' && buffer[^2] == '\r' && buffer[^3] == '\n' && buffer[^4] == '\r')
            {
                break;
            }
        }

        var lines = Encoding.Latin1.GetString([.. buffer]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { [":path"] = lines[0].Split(' ').ElementAtOrDefault(1) ?? "" };
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                var name = line[..colon].Trim().ToLowerInvariant();
                var value = line[(colon + 1)..].Trim();
                headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + "," + value : value;
            }
        }

        return headers;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
