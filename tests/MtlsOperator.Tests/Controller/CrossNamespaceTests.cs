using k8s;
using MtlsOperator.Controller;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary>References never cross namespaces: one namespace cannot read another's keys through the operator.</summary>
public sealed class CrossNamespaceTests
{
    private const string Victim = "victim";

    [Fact]
    public async Task A_listener_naming_a_policy_in_another_namespace_is_refused_and_nothing_of_that_namespace_is_read()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var root = TestCertificateAuthority.CreateRoot("CN=Victim Root,O=Test");
        await fx.ApplyAsync(
            Manifests.TlsSecret(Victim, "victim-tls", root.IssueServer("victim.example.com")),
            Manifests.InlineBundle(Victim, "victim-ca", PemExport.Certificate(root.Certificate)),
            Manifests.PinnedPolicy(Victim, "victim-clients", "victim-ca", ("sha256", CertificateFingerprints.Of(root.IssueClient()).Sha256)));
        var host = fx.StartOperator();
        await fx.WaitReadyAsync("clientauthpolicies", "victim-clients", ns: Victim);
        // Settled, not just idle: a reconcile still behind the echo of its own status write could send one more request there.
        await fx.WaitSettledAsync(host);
        var mark = fx.Server.Requests.Mark();

        await fx.ApplyAsync(
            Manifests.TlsSecret("apps", "agent-tls", root.IssueServer("agent.example.com")),
            Manifests.ServerCertificate("apps", "agent", "agent-tls", "agent.example.com"),
            Manifests.Listener("apps", "agent", "agent", "victim-clients", policyNamespace: Victim));

        await fx.WaitReadyAsync("mtlslisteners", "agent", "False");
        await OperatorFixture.WaitIdleAsync(host);
        Assert.Equal("CrossNamespaceReference", (string?)(await fx.ReadyAsync("mtlslisteners", "agent"))!["reason"]);
        Assert.Null(await fx.TryGetSecretAsync("apps", "agent-mtls"));
        AssertNothingReadFrom(fx, host, mark);
    }

    [Fact]
    public async Task A_listener_naming_a_server_certificate_in_another_namespace_is_refused_and_its_key_is_never_rendered()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var root = TestCertificateAuthority.CreateRoot("CN=Victim Root,O=Test");
        var victimCertificate = root.IssueServer("victim.example.com");
        await fx.ApplyAsync(
            Manifests.TlsSecret(Victim, "victim-tls", victimCertificate),
            Manifests.ServerCertificate(Victim, "victim", "victim-tls", "victim.example.com"));
        var host = fx.StartOperator();
        await fx.WaitReadyAsync("servercertificates", "victim", ns: Victim);
        // Settled, not just idle: a reconcile still behind the echo of its own status write could send one more request there.
        await fx.WaitSettledAsync(host);
        var mark = fx.Server.Requests.Mark();

        var listener = Manifests.Listener("apps", "agent", "victim", "own-clients");
        listener["spec"]!["serverCertificateRefs"]![0]!["namespace"] = Victim;
        await fx.ApplyAsync(
            Manifests.InlineBundle("apps", "own-ca", PemExport.Certificate(root.Certificate)),
            Manifests.PinnedPolicy("apps", "own-clients", "own-ca", ("sha256", CertificateFingerprints.Of(root.IssueClient()).Sha256)),
            listener);

        await fx.WaitReadyAsync("mtlslisteners", "agent", "False");
        await OperatorFixture.WaitIdleAsync(host);
        Assert.Equal("CrossNamespaceReference", (string?)(await fx.ReadyAsync("mtlslisteners", "agent"))!["reason"]);
        Assert.DoesNotContain(fx.Server.Requests.Since(mark), r => r.Call.Namespace == Victim);
        var key = PemExport.PrivateKey(victimCertificate).Split('\n')[1];
        var appsSecrets = await fx.Client.CoreV1.ListNamespacedSecretAsync("apps");
        Assert.DoesNotContain(appsSecrets.Items, s => s.Data?.Values.Any(v => System.Text.Encoding.UTF8.GetString(v).Contains(key, StringComparison.Ordinal)) == true);
    }

    [Fact]
    public async Task A_server_certificate_naming_a_secret_in_another_namespace_is_refused_and_the_secret_is_never_read()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var root = TestCertificateAuthority.CreateRoot("CN=Victim Root,O=Test");
        await fx.ApplyAsync(Manifests.TlsSecret(Victim, "victim-tls", root.IssueServer("victim.example.com")));
        var host = fx.StartOperator();
        var mark = fx.Server.Requests.Mark();

        var certificate = Manifests.ServerCertificate("apps", "stolen", "victim-tls", "victim.example.com");
        certificate["spec"]!["secretRef"]!["namespace"] = Victim;
        await fx.ApplyAsync(certificate);

        await fx.WaitReadyAsync("servercertificates", "stolen", "False");
        await OperatorFixture.WaitIdleAsync(host);
        Assert.Equal("CrossNamespaceReference", (string?)(await fx.ReadyAsync("servercertificates", "stolen"))!["reason"]);
        AssertNothingReadFrom(fx, host, mark);
    }

    [Fact]
    public async Task A_trust_bundle_naming_a_configmap_in_another_namespace_is_refused_and_the_configmap_is_never_read()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var root = TestCertificateAuthority.CreateRoot("CN=Victim Root,O=Test");
        await fx.ApplyAsync(Manifests.CaConfigMap(Victim, "victim-cas", root.Certificate));
        var host = fx.StartOperator();
        var mark = fx.Server.Requests.Mark();

        await fx.ApplyAsync(Manifests.BundleFromConfigMap("apps", "borrowed", "victim-cas", configMapNamespace: Victim));

        await fx.WaitReadyAsync("trustbundles", "borrowed", "False");
        await OperatorFixture.WaitIdleAsync(host);
        var status = (await fx.StatusAsync("trustbundles", "borrowed"))!;
        Assert.Contains("CrossNamespaceReference", status.ToJsonString(), StringComparison.Ordinal);
        AssertNothingReadFrom(fx, host, mark);
    }

    /// <summary>No request named the other namespace, and the operator's caches hold none of its Secrets or ConfigMaps (but those it wrote itself).</summary>
    private static void AssertNothingReadFrom(OperatorFixture fx, OperatorHost host, long mark)
    {
        Assert.DoesNotContain(fx.Server.Requests.Since(mark), r => r.Call.Namespace == Victim);
        var cache = host.Cache!;
        Assert.DoesNotContain(cache.Secrets.Cache.List(), s => s.Metadata.NamespaceProperty == Victim && !ClusterCache.IsManaged(s.Metadata));
        Assert.DoesNotContain(cache.ConfigMaps.Cache.List(), c => c.Metadata.NamespaceProperty == Victim && !ClusterCache.IsManaged(c.Metadata));
    }
}
