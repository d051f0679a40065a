using k8s;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Tests.Cli;
using TestApiServer;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary>A referenced Secret or ConfigMap that changes (cert-manager renewed it, the PKI team published a CA) re-renders every dependent output.</summary>
public sealed class RotationTests
{
    private static readonly TimeSpan s_withinSeconds = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Replacing_the_server_certificate_secret_re_renders_the_listener_output_within_seconds()
    {
        await using var fx = await OperatorFixture.StartAsync();
        fx.StartOperator();
        var manifests = new ListenerManifests();
        await fx.ApplyAsync(manifests.Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await OperatorFixture.Eventually(async () => await fx.TryGetSecretAsync("apps", "agent-mtls") is { } s && OutputOf.Thumbprints(s, "tls.crt").Contains(OutputOf.Thumbprint(manifests.Server)), "the first certificate is served");

        var renewed = manifests.Root.IssueServer("agent.example.com");
        await fx.ApplyAsync(Manifests.TlsSecret("apps", "agent-tls", renewed));

        await fx.WaitServedAsync(renewed, "the renewed certificate is served", s_withinSeconds);
        var output = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;
        Assert.DoesNotContain(OutputOf.Thumbprint(manifests.Server), OutputOf.Thumbprints(output, "tls.crt"));
        Assert.Equal(PemExport.PrivateKey(renewed).Trim(), OutputOf.Text(output, "tls.key").Trim());
        var status = await fx.StatusAsync("servercertificates", "agent");
        Assert.Equal(CertificateFingerprints.Of(renewed).Sha256, ((string)status!["sha256Thumbprint"]!).Replace(":", "", StringComparison.Ordinal), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_source_created_after_its_bundle_is_picked_up_even_when_another_reader_fetched_it_before_the_watch_saw_it()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        var root = TestCertificateAuthority.CreateRoot("CN=Late Root,O=Test");
        await fx.ApplyAsync(Manifests.BundleFromConfigMap("apps", "early", "late-cas"));
        await fx.WaitReadyAsync("trustbundles", "early", "False");
        await fx.WaitSettledAsync(host);

        // The ConfigMap watch is cut and held back, so the second bundle's read-through sees the ConfigMap first.
        fx.Server.Faults.AddLatency(TimeSpan.FromSeconds(2), RequestMatch.Verb("watch", "configmaps"));
        fx.Server.Faults.DropAllWatches();
        await fx.ApplyAsync(Manifests.CaConfigMap("apps", "late-cas", root.Certificate), Manifests.BundleFromConfigMap("apps", "second", "late-cas"));

        await fx.WaitReadyAsync("trustbundles", "second");
        await fx.WaitReadyAsync("trustbundles", "early");
    }

    [Fact]
    public async Task A_trust_bundle_source_configmap_change_re_renders_both_listeners_that_use_the_bundle()
    {
        await using var fx = await OperatorFixture.StartAsync();
        fx.StartOperator();
        var root = TestCertificateAuthority.CreateRoot("CN=Partner Root A,O=Test");
        var client = root.IssueClient("CN=partner,O=Test");
        var pin = ("sha256", CertificateFingerprints.Of(client).Sha256);
        await fx.ApplyAsync(
            Manifests.CaConfigMap("apps", "partner-cas", root.Certificate),
            Manifests.BundleFromConfigMap("apps", "partners", "partner-cas"),
            Manifests.PinnedPolicy("apps", "east-clients", "partners", pin),
            Manifests.PinnedPolicy("apps", "west-clients", "partners", pin),
            Manifests.TlsSecret("apps", "east-tls", root.IssueServer("east.example.com")),
            Manifests.TlsSecret("apps", "west-tls", root.IssueServer("west.example.com")),
            Manifests.ServerCertificate("apps", "east", "east-tls", "east.example.com"),
            Manifests.ServerCertificate("apps", "west", "west-tls", "west.example.com"),
            Manifests.Listener("apps", "east", "east", "east-clients"),
            Manifests.Listener("apps", "west", "west", "west-clients", proxy: "envoy"));
        await fx.WaitReadyAsync("mtlslisteners", "east");
        await fx.WaitReadyAsync("mtlslisteners", "west");

        var added = TestCertificateAuthority.CreateRoot("CN=Partner Root B,O=Test");
        await fx.ApplyAsync(Manifests.CaConfigMap("apps", "partner-cas", root.Certificate, added.Certificate));

        foreach (var listener in new[] { "east", "west" })
        {
            await OperatorFixture.Eventually(
                async () => await fx.TryGetSecretAsync("apps", listener + "-mtls") is { } s && OutputOf.Thumbprints(s, "ca.crt").Contains(OutputOf.Thumbprint(added.Certificate)),
                $"listener {listener} trusts the added CA", s_withinSeconds);
        }

        await OperatorFixture.Eventually(
            async () => await fx.TryGetConfigMapAsync("apps", "partners-ca") is { } c && c.Data["ca.crt"].Contains(added.Certificate.ExportCertificatePem().Split('\n')[1], StringComparison.Ordinal),
            "the bundle's own ConfigMap holds the added CA", s_withinSeconds);
    }
}
