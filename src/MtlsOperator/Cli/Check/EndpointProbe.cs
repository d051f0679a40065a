using System.Collections.Immutable;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.EndpointCheck;

namespace MtlsOperator.Cli.Check;

/// <summary>Probes a TLS endpoint for real: TCP connect, TLS handshake with <see cref="SslStream"/> (capturing the served chain,
/// protocol, cipher and the CertificateRequest's CA names), then optionally one HTTP/1.1 request over the same session.
/// Shared by <c>check</c> and <c>thumbprint --connect</c>.</summary>
internal static class EndpointProbe
{
    private const int BodyStartLength = 512;

    /// <summary>How much of the server's first bytes are kept for <see cref="TlsServerFlight"/>: a flight with a long chain of
    /// RSA-4096 certificates is well under this.</summary>
    private const int FlightLimit = 256 * 1024;

    /// <summary>Probes <paramref name="target"/>, all within <paramref name="timeout"/>. With a client certificate it takes two
    /// connections: the first only observes whether the server asks for a certificate and which CAs it names (.NET reports those
    /// only to a selection callback, and a callback-selected certificate is sent without its chain); the second presents the
    /// certificate with its chain, as a real client would, and makes the request.</summary>
    public static async Task<EndpointObservation> ProbeAsync(
        EndpointTarget target, ClientIdentity? client, bool request, SslProtocols protocols, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var observed = await AttemptAsync(target, null, request && client is null, protocols, deadline.Token, cancellationToken);
        if (client is null || observed.Stop is ProbeStop.ConnectFailed or ProbeStop.TimedOut)
        {
            return observed;
        }

        var presented = await AttemptAsync(target, client, request, protocols, deadline.Token, cancellationToken);
        var chain = presented.ChainComplete ? presented.ServedChain
            : observed.ChainComplete || presented.ServedChain.IsEmpty ? observed.ServedChain
            : presented.ServedChain;
        return presented with
        {
            ServedChain = chain,
            ChainComplete = presented.ChainComplete || observed.ChainComplete,
            ClientCertificateRequested = observed.ClientCertificateRequested,
            AcceptableIssuers = observed.AcceptableIssuers,
            ClientCertificatePresented = observed.ClientCertificateRequested,
            TlsVersion = presented.TlsVersion ?? observed.TlsVersion,
            Cipher = presented.Cipher ?? observed.Cipher,
        };
    }

    private static async Task<EndpointObservation> AttemptAsync(
        EndpointTarget target, ClientIdentity? client, bool request, SslProtocols protocols, CancellationToken deadline, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target.Host, target.Port, deadline);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            return Stopped(ProbeStop.ConnectFailed, ProbeStage.Connect, $"{target.Display}: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            return Stopped(ProbeStop.TimedOut, ProbeStage.Connect, null);
        }

        var recording = new RecordingStream(new NetworkStream(socket, ownsSocket: true), FlightLimit);
        await using var tls = new SslStream(recording, leaveInnerStreamOpen: false);
        var seen = new HandshakeCapture();
        var options = new SslClientAuthenticationOptions
        {
            // An IP address as target host sends no SNI, which is what a client given only an address does.
            TargetHost = target.ServerName ?? target.Host,
            EnabledSslProtocols = protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            // Every probe must see a full handshake: a resumed session has no CertificateRequest to observe.
            AllowTlsResume = false,
            // Accept whatever is served so all of it can be reported; the verdict on it is EndpointJudgement's.
            RemoteCertificateValidationCallback = (_, certificate, chain, _) => seen.Served(certificate, chain),
        };
        if (client is null)
        {
            options.LocalCertificateSelectionCallback = (_, _, _, remote, issuers) => seen.Requested(remote, issuers);
        }
        else
        {
            options.ClientCertificateContext = SslStreamCertificateContext.Create(client.Certificate, [.. client.Chain], offline: true);
        }

        try
        {
            await tls.AuthenticateAsClientAsync(options, deadline);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return seen.Observation() with { Stop = ProbeStop.TimedOut, StoppedAt = ProbeStage.Handshake };
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            var failed = seen.Observation() with { Stop = ProbeStop.HandshakeFailed, StoppedAt = ProbeStage.Handshake, StopDetail = Describe(e) };
            return failed.ChainComplete ? failed : WithPlaintextChain(failed, recording.Recorded);
        }

        var handshake = seen.Observation() with
        {
            TlsVersion = ProtocolName(tls.SslProtocol),
            Cipher = tls.NegotiatedCipherSuite.ToString(),
            ClientCertificatePresented = client is not null,
        };
        return request ? await RequestAsync(tls, target, handshake, deadline, cancellationToken) : handshake;
    }

    /// <summary>One GET over the authenticated stream: HttpClient speaks plain HTTP/1.1 on the stream the connect callback hands it.</summary>
    private static async Task<EndpointObservation> RequestAsync(
        SslStream tls, EndpointTarget target, EndpointObservation handshake, CancellationToken deadline, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = (_, _) => ValueTask.FromResult<Stream>(tls),
            PooledConnectionLifetime = TimeSpan.Zero,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var message = new HttpRequestMessage(HttpMethod.Get, $"http://{target.Authority}{target.PathAndQuery}")
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        message.Headers.ConnectionClose = true;
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline);
            var body = await ReadStartAsync(response, deadline);
            return handshake with { HttpStatus = (int)response.StatusCode, HttpBodyStart = body };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return handshake with { Stop = ProbeStop.TimedOut, StoppedAt = ProbeStage.Request };
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return handshake with { Stop = ProbeStop.ClosedAfterHandshake, StoppedAt = ProbeStage.Request, StopDetail = Describe(e) };
        }
    }

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[BodyStartLength];
        var read = 0;
        try
        {
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
            {
                read += n;
            }
        }
        catch (IOException)
        {
            // The status is the answer; a body cut short does not change it.
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>A TLS 1.2 handshake refused before the chain reached the platform's callback: the chain as the server sent it in
    /// the clear, when the recorded bytes hold it and it starts with the leaf already seen.</summary>
    private static EndpointObservation WithPlaintextChain(EndpointObservation failed, ReadOnlySpan<byte> recorded)
    {
        var sent = TlsServerFlight.Certificates(recorded);
        if (sent.IsEmpty)
        {
            return failed;
        }

        try
        {
            var chain = sent.Select(der => X509CertificateLoader.LoadCertificate(der.Span)).ToImmutableArray();
            var sameLeaf = failed.ServedChain.IsEmpty || failed.ServedChain[0].RawData.AsSpan().SequenceEqual(chain[0].RawData);
            return sameLeaf ? failed with { ServedChain = chain, ChainComplete = true } : failed;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return failed;
        }
    }

    private static EndpointObservation Stopped(ProbeStop stop, ProbeStage stage, string? detail) =>
        new() { Stop = stop, StoppedAt = stage, StopDetail = detail };

    private static string ProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
        _ => protocol.ToString(),
    };

    /// <summary>The innermost cause: OpenSSL's alert text (<c>tlsv13 alert certificate required</c>) or the socket's error, not the
    /// generic wrappers around it.</summary>
    private static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner.Message;
    }

    /// <summary>What the TLS callbacks saw during one handshake.</summary>
    private sealed class HandshakeCapture
    {
        private ImmutableArray<X509Certificate2> _chain = [];
        private bool _complete;
        private bool _requested;
        private ImmutableArray<string> _issuers = [];

        public bool Served(X509Certificate? certificate, X509Chain? chain)
        {
            if (certificate is null)
            {
                return true;
            }

            // Copies: the stream disposes the instances it hands to callbacks. The platform puts what the server sent into the
            // chain's extra store, in the order sent.
            var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            var sent = chain?.ChainPolicy.ExtraStore.Select(c => X509CertificateLoader.LoadCertificate(c.RawData)).ToList() ?? [];
            _chain = [leaf, .. sent.Where(c => !c.RawData.AsSpan().SequenceEqual(leaf.RawData))];
            _complete = true;
            return true;
        }

        /// <summary>Called once before the handshake (no remote certificate yet) and again when the server sends a CertificateRequest.</summary>
        public X509Certificate Requested(X509Certificate? remote, string[] issuers)
        {
            if (remote is not null)
            {
                _requested = true;
                _issuers = [.. issuers];
                if (_chain.IsEmpty)
                {
                    _chain = [X509CertificateLoader.LoadCertificate(remote.GetRawCertData())];
                }
            }

            return null!;
        }

        public EndpointObservation Observation() => new()
        {
            ServedChain = _chain,
            ChainComplete = _complete,
            ClientCertificateRequested = _requested,
            AcceptableIssuers = _issuers,
        };
    }
}
