using System.Diagnostics;
using TestPki;

namespace MtlsOperator.Tests.Cli;

public sealed class ThumbprintCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("thumbprint-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableFact]
    public void Thumbprints_equal_openssl_fingerprints()
    {
        Skip.If(!File.Exists("/usr/bin/openssl"), "openssl is not installed");
        var client = TestCertificateAuthority.CreateRoot().IssueClient("CN=agent,O=Example");
        var file = Path.Combine(_dir, "client.crt");
        File.WriteAllText(file, PemExport.Certificate(client));

        var (exit, output, _) = CliRunner.Run("thumbprint", file);

        Assert.Equal(0, exit);
        Assert.Contains(OpensslFingerprint(file, "-sha1"), output, StringComparison.Ordinal);
        Assert.Contains(OpensslFingerprint(file, "-sha256"), output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Spki_pin_equals_openssl_hash_of_the_public_key()
    {
        Skip.If(!File.Exists("/usr/bin/openssl"), "openssl is not installed");
        var client = TestCertificateAuthority.CreateRoot().IssueClient("CN=agent,O=Example", new LeafOptions { Key = TestKeyKind.Rsa2048 });
        var file = Path.Combine(_dir, "client.crt");
        File.WriteAllText(file, PemExport.Certificate(client));
        var expected = Shell($"openssl x509 -in {file} -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64").Trim();

        var (_, output, _) = CliRunner.Run("thumbprint", file);

        Assert.Contains("sha256/" + expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Der_files_and_pem_bundles_are_both_read()
    {
        var ca = TestCertificateAuthority.CreateRoot();
        var a = ca.IssueClient("CN=a");
        var b = ca.IssueClient("CN=b");
        var pem = Path.Combine(_dir, "bundle.pem");
        var der = Path.Combine(_dir, "a.der");
        File.WriteAllText(pem, PemExport.Certificates([a, b]));
        File.WriteAllBytes(der, a.RawData);

        var (exit, output, _) = CliRunner.Run("thumbprint", pem, der);

        Assert.Equal(0, exit);
        Assert.Equal(3, output.Split("subject:").Length - 1);
    }

    [Fact]
    public void A_file_without_certificates_exits_2_with_a_reason()
    {
        var file = Path.Combine(_dir, "empty.pem");
        File.WriteAllText(file, "hello\n");

        var (exit, _, error) = CliRunner.Run("thumbprint", file);

        Assert.Equal(2, exit);
        Assert.Contains("no certificate found", error, StringComparison.Ordinal);
    }

    private static string OpensslFingerprint(string file, string digest)
    {
        // "SHA1 Fingerprint=AB:CD:..." -> "AB:CD:..."
        var line = Shell($"openssl x509 -in {file} -noout -fingerprint {digest}").Trim();
        return line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..];
    }

    internal static string Shell(string command)
    {
        var psi = new ProcessStartInfo("/bin/sh", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{command} failed: {p.StandardError.ReadToEnd()}");
        return output;
    }
}
