using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary>Time-driven changes are noticed although nothing is written: a certificate that expires is reported when it does.</summary>
public sealed class ExpiryTests
{
    [Fact]
    public async Task A_server_certificate_that_expires_while_nothing_changes_is_reported_and_the_last_good_output_stays()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        var root = TestCertificateAuthority.CreateRoot("CN=Short Lived Root,O=Test");
        var notAfter = DateTimeOffset.UtcNow.AddSeconds(4);
        var server = root.IssueServer(new LeafOptions { DnsNames = ["agent.example.com"], NotBefore = DateTimeOffset.UtcNow.AddHours(-1), NotAfter = notAfter });
        await fx.ApplyAsync(
            Manifests.TlsSecret("apps", "agent-tls", server),
            Manifests.InlineBundle("apps", "corp", PemExport.Certificate(root.Certificate)),
            Manifests.ServerCertificate("apps", "agent", "agent-tls", "agent.example.com"),
            Manifests.PinnedPolicy("apps", "clients", "corp", ("sha256", CertificateFingerprints.Of(root.IssueClient()).Sha256)),
            Manifests.Listener("apps", "agent", "agent", "clients"));
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(host);
        var good = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;
        Assert.True(DateTimeOffset.UtcNow < notAfter, "the machine was too slow to observe the certificate before it expired");

        await fx.WaitReadyAsync("servercertificates", "agent", "False", timeout: TimeSpan.FromSeconds(15));
        await fx.WaitReadyAsync("mtlslisteners", "agent", "False", timeout: TimeSpan.FromSeconds(15));

        Assert.Equal("Expired", (string?)(await fx.ReadyAsync("servercertificates", "agent"))!["reason"]);
        Assert.Equal("ServerCertificateNotReady", (string?)(await fx.ReadyAsync("mtlslisteners", "agent"))!["reason"]);
        var now = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;
        Assert.Equal(good.Metadata.ResourceVersion, now.Metadata.ResourceVersion);
    }
}
