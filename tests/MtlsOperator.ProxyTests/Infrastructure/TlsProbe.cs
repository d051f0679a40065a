using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>An HTTPS client with an optional client certificate; every probe is a fresh TLS handshake on a new connection.</summary>
/// <param name="ServerRoot">The only certificate trusted when checking the chain the proxy presents.</param>
public sealed record TlsProbe(int Port, X509Certificate2 ServerRoot)
{
    [SuppressMessage("Security", "CA5359:Do Not Disable Certificate Validation", Justification = "The probe records the certificate the server presented and returns it for the test to judge.")]
    public async Task<ProbeResult> GetAsync(
        X509Certificate2? clientCertificate,
        string? serverName = null,
        IReadOnlyDictionary<string, string>? headers = null,
        SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CancellationToken cancellationToken = default)
    {
        X509Certificate2? presented = null;
        var trusted = false;
        var chainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        chainPolicy.CustomTrustStore.Add(ServerRoot);
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                // An IP address as target host sends no SNI at all.
                TargetHost = serverName ?? "127.0.0.1",
                EnabledSslProtocols = protocols,
                CertificateChainPolicy = chainPolicy,
                // Always offer the certificate, even when its issuer is not among the CAs the server names.
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    presented = certificate is null ? null : new X509Certificate2(certificate);
                    trusted = (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
                    return true;
                },
            },
            PooledConnectionLifetime = TimeSpan.Zero,
        };
        if (clientCertificate is null)
        {
            handler.SslOptions.LocalCertificateSelectionCallback = null;
        }

        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://{serverName ?? "127.0.0.1"}:{Port}/probe");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return new ProbeResult(ProbeOutcome.Response, (int)response.StatusCode, body, presented, trusted, "");
        }
        catch (HttpRequestException e)
        {
            var outcome = e.HttpRequestError == HttpRequestError.ConnectionError && e.InnerException is SocketException
                ? ProbeOutcome.ConnectionFailed
                : ProbeOutcome.TlsRejected;
            return new ProbeResult(outcome, 0, "", presented, trusted, Describe(e));
        }
    }

    private static string Describe(Exception e) => e.InnerException is null ? e.Message : e.Message + " -> " + Describe(e.InnerException);
}
