using k8s;
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
        // Long enough for a first convergence on a loaded 2-core machine (the test sleeps in WaitReadyAsync meanwhile).
        var notAfter = DateTimeOffset.UtcNow.AddSeconds(20);
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

        await fx.WaitReadyAsync("servercertificates", "agent", "False", timeout: TimeSpan.FromSeconds(45));
        await fx.WaitReadyAsync("mtlslisteners", "agent", "False", timeout: TimeSpan.FromSeconds(45));

        Assert.Equal("Expired", (string?)(await fx.ReadyAsync("servercertificates", "agent"))!["reason"]);
        Assert.Equal("ServerCertificateNotReady", (string?)(await fx.ReadyAsync("mtlslisteners", "agent"))!["reason"]);
        var now = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;
        Assert.Equal(good.Metadata.ResourceVersion, now.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task A_crl_entering_its_warning_window_while_nothing_changes_is_reported_by_condition_and_one_warning_event()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        var root = TestCertificateAuthority.CreateRoot("CN=Crl Window Root,O=Test");
        // Just outside the default 24-hour window: the bundle starts with CrlExpiringSoon=False and must notice by itself.
        var windowOpens = DateTimeOffset.UtcNow.AddSeconds(20);
        var bundle = Manifests.InlineBundle("apps", "corp", PemExport.Certificate(root.Certificate));
        bundle["spec"]!["crls"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["inline"] = root.CreateCrlPem(nextUpdate: windowOpens.AddHours(24)) });
        await fx.ApplyAsync(bundle);
        await fx.WaitReadyAsync("trustbundles", "corp");
        await fx.WaitSettledAsync(host);
        Assert.Equal("False", CrlExpiringSoon(await fx.StatusAsync("trustbundles", "corp")));
        var good = (await fx.TryGetConfigMapAsync("apps", "corp-ca"))!;
        Assert.True(DateTimeOffset.UtcNow < windowOpens, "the machine was too slow to observe the CRL before its warning window");

        await OperatorFixture.Eventually(async () => CrlExpiringSoon(await fx.StatusAsync("trustbundles", "corp")) == "True", "CrlExpiringSoon=True", TimeSpan.FromSeconds(45));

        // The Event is created right after the status write that shows the condition.
        List<k8s.Models.Corev1Event> events = [];
        await OperatorFixture.Eventually(async () =>
        {
            events = [.. (await fx.Client.CoreV1.ListNamespacedEventAsync("apps")).Items.Where(e => e.InvolvedObject.Kind == "TrustBundle" && e.Reason == "CrlExpiring")];
            return events.Count > 0;
        }, "the CrlExpiring Event is recorded");
        await fx.WaitSettledAsync(host);
        var warning = Assert.Single((await fx.Client.CoreV1.ListNamespacedEventAsync("apps")).Items, e => e.InvolvedObject.Kind == "TrustBundle" && e.Reason == "CrlExpiring");
        Assert.Equal("Warning", warning.Type);
        Assert.Contains("CN=Crl Window Root,O=Test", warning.Message, StringComparison.Ordinal);
        Assert.Equal("True", (string?)(await fx.ReadyAsync("trustbundles", "corp"))!["status"]);
        Assert.Equal(good.Metadata.ResourceVersion, (await fx.TryGetConfigMapAsync("apps", "corp-ca"))!.Metadata.ResourceVersion);
    }

    private static string? CrlExpiringSoon(System.Text.Json.Nodes.JsonNode? status) =>
        (string?)status?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "CrlExpiringSoon")?["status"];
}
