using System.Diagnostics.CodeAnalysis;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MtlsOperator.Engine.ProxyVerdicts;
using TestPki;

namespace MtlsOperator.ProxyTests.Differential;

/// <summary>What a proxy did with one client: an HTTP status, or a failed handshake.</summary>
public sealed record Observed(RefusalStage? RefusedAt, string Detail)
{
    public bool Admitted => RefusedAt is null;

    public override string ToString() => RefusedAt is { } stage ? $"refused ({stage}): {Detail}" : $"admitted: {Detail}";
}

/// <summary>Connects as a client presenting a given chain and makes one request. .NET's SslStream sends exactly the chain given;
/// material OpenSSL's client side refuses to send at security level 2 (weak keys, SHA-1) goes through <c>openssl s_client</c>
/// at level 0 instead, so the server's verdict is what is measured.</summary>
public static class ClientProbe
{
    /// <summary>One <c>GET <paramref name="target"/></c> (sent byte for byte as given: hostile spellings reach the proxy unchanged)
    /// with <paramref name="headerLine"/> (e.g. <c>X-Probe-Id: 1</c>) if given.</summary>
    public static Task<Observed> GetAsync(int port, IReadOnlyList<X509Certificate2> presented, CancellationToken cancellationToken,
        string target = "/probe", string? headerLine = null)
    {
        var request = $"GET {target} HTTP/1.1\r\nHost: api.test\r\n{(headerLine is null ? "" : headerLine + "\r\n")}Connection: close\r\n\r\n";
        return presented.Any(IsWeak) ? OpensslAsync(port, presented, request, cancellationToken) : DotnetAsync(port, presented, request, cancellationToken);
    }

    private static bool IsWeak(X509Certificate2 certificate)
    {
        using var rsa = certificate.GetRSAPublicKey();
        return rsa is { KeySize: < 2048 } || certificate.SignatureAlgorithm.Value is "1.2.840.113549.1.1.5" or "1.2.840.10045.4.1";
    }

    [SuppressMessage("Security", "CA5359:Do Not Disable Certificate Validation", Justification = "A client probe of admission: what the proxy serves is checked by other tests, not by this client.")]
    private static async Task<Observed> DotnetAsync(int port, IReadOnlyList<X509Certificate2> presented, string request, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "api.test",
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            // The server's certificate is not under test here.
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            ClientCertificateContext = presented.Count == 0
                ? null
                : SslStreamCertificateContext.Create(presented[0], [.. presented.Skip(1)], offline: true),
        };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            await tls.AuthenticateAsClientAsync(options, timeout.Token);
            await tls.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);
            var response = await ReadStatusLineAsync(tls, timeout.Token);
            return FromStatusLine(response);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return new Observed(RefusalStage.Handshake, e.GetBaseException().Message);
        }
    }

    private static async Task<string> ReadStatusLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[512];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    private static Observed FromStatusLine(string response)
    {
        var parts = response.Split(' ', 3);
        if (response.StartsWith("HTTP/", StringComparison.Ordinal) && parts.Length >= 2 && int.TryParse(parts[1], out var status))
        {
            return status switch
            {
                200 => new Observed(null, "HTTP 200"),
                400 => new Observed(RefusalStage.BadRequest, "HTTP 400"),
                403 => new Observed(RefusalStage.Forbidden, "HTTP 403"),
                _ => new Observed(RefusalStage.Handshake, $"unexpected HTTP {status}"),
            };
        }

        return new Observed(RefusalStage.Handshake, "connection closed without a response" + (response.Length > 0 ? $": {response[..Math.Min(80, response.Length)]}" : ""));
    }

    private static async Task<Observed> OpensslAsync(int port, IReadOnlyList<X509Certificate2> presented, string request, CancellationToken cancellationToken)
    {
        var dir = Directory.CreateTempSubdirectory("mtls-diff-client-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "client.crt"), PemExport.Certificate(presented[0]), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(dir, "client.key"), PemExport.PrivateKey(presented[0]), cancellationToken);
            string[] chain = [];
            if (presented.Count > 1)
            {
                await File.WriteAllTextAsync(Path.Combine(dir, "chain.crt"), PemExport.Certificates(presented.Skip(1)), cancellationToken);
                chain = ["-cert_chain", "chain.crt"];
            }

            var start = new ProcessStartInfo("openssl",
                ["s_client", "-connect", $"127.0.0.1:{port}", "-servername", "api.test", "-cert", "client.crt", "-key", "client.key", .. chain,
                 "-cipher", "DEFAULT:@SECLEVEL=0", "-quiet", "-ign_eof"])
            {
                WorkingDirectory = dir,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start)!;
            try
            {
                await process.StandardInput.WriteAsync(request);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // s_client already exited (the proxy refused the handshake before it read the request): its output says so.
            }
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(timeout.Token);
            var output = await stdout;
            var observed = FromStatusLine(output);
            return observed.RefusedAt == RefusalStage.Handshake ? observed with { Detail = "openssl s_client: " + (await stderr).Trim().Split('\n')[^1] } : observed;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
