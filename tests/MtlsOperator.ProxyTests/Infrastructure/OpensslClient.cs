using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using TestPki;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary><c>openssl s_client</c> as an independent TLS client: its output names the alert a server sent.</summary>
public static class OpensslClient
{
    /// <summary>Connects with a client certificate, sends one HTTP request and returns everything s_client printed.</summary>
    /// <param name="extraArguments">More s_client options, e.g. <c>-sess_out FILE</c> / <c>-sess_in FILE</c> (absolute paths).</param>
    public static async Task<string> ConnectAsync(
        int port, X509Certificate2 client, string serverName, CancellationToken cancellationToken, params string[] extraArguments)
    {
        var dir = Directory.CreateTempSubdirectory("mtls-s_client-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "client.crt"), PemExport.Certificate(client), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(dir, "client.key"), PemExport.PrivateKey(client), cancellationToken);
            var start = new ProcessStartInfo("openssl",
                ["s_client", "-connect", $"127.0.0.1:{port}", "-servername", serverName, "-cert", "client.crt", "-key", "client.key", "-ign_eof", .. extraArguments])
            {
                WorkingDirectory = dir,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start)!;
            await process.StandardInput.WriteAsync($"GET / HTTP/1.1\r\nHost: {serverName}\r\nConnection: close\r\n\r\n");
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
            return await stdout + await stderr;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
