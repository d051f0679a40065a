using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary>Issued client certificates end to end against the test API server: issued from a CA in a Secret, pinned by reference, revoked
/// onto a CRL the operator signs, and that CRL reaching the TrustBundle's ConfigMap and the listener's output; renewal with overlap; a
/// restart neither resets the CRL Number nor writes anything.</summary>
public sealed class IssuedCertificateTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_pinned_issued_certificate_once_revoked_reaches_the_listener_through_the_crl_and_a_restart_keeps_the_crl_number()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        var ca = TestCertificateAuthority.CreateRoot("CN=Partner CA,O=Platform");
        await fx.ApplyAsync(World(ca));
        await fx.WaitReadyAsync("issuedclientcertificates", "partner-a", timeout: s_timeout);
        await fx.WaitReadyAsync("mtlslisteners", "agent", timeout: s_timeout);
        var issued = Leaf((await fx.TryGetSecretAsync("apps", "partner-a-tls"))!);
        var listener = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;
        Assert.Contains(CertificateFingerprints.Of(issued).Sha256, OutputOf.Text(listener, "haproxy.cfg"), StringComparison.Ordinal);
        var numberBefore = CrlNumber(await fx.StatusAsync("clientcertificateauthorities", "partner-ca"));

        var revoked = IssuedCertificate();
        revoked["spec"]!["revoked"] = true;
        revoked["spec"]!["revocationReason"] = "KeyCompromise";
        await fx.ApplyAsync(revoked);

        await OperatorFixture.Eventually(async () => CrlNumber(await fx.StatusAsync("clientcertificateauthorities", "partner-ca")) > numberBefore, "a new CRL number", s_timeout);
        await OperatorFixture.Eventually(async () => Serials(await fx.TryGetConfigMapAsync("apps", "partners-ca"), "ca.crl").Contains(issued.SerialNumber), "the bundle's CRL lists the serial", s_timeout);
        await OperatorFixture.Eventually(async () => await fx.TryGetSecretAsync("apps", "agent-mtls") is { } s && Serials(s, "ca.crl").Contains(issued.SerialNumber), "the listener's CRL lists the serial", s_timeout);
        await fx.WaitReadyAsync("issuedclientcertificates", "partner-a", "False", timeout: s_timeout);
        Assert.Equal("Revoked", (string?)(await fx.ReadyAsync("issuedclientcertificates", "partner-a"))!["reason"]);
        await fx.WaitSettledAsync(host);
        var numberAfter = CrlNumber(await fx.StatusAsync("clientcertificateauthorities", "partner-ca"));
        var crlBefore = (await fx.TryGetConfigMapAsync("apps", "partner-ca-crl"))!.Metadata.ResourceVersion;

        await fx.StopAsync(host);
        var restarted = fx.StartOperator();
        await fx.WaitSettledAsync(restarted);

        Assert.Equal(numberAfter, CrlNumber(await fx.StatusAsync("clientcertificateauthorities", "partner-ca")));
        Assert.Equal(crlBefore, (await fx.TryGetConfigMapAsync("apps", "partner-ca-crl"))!.Metadata.ResourceVersion);
        Assert.DoesNotContain(fx.TrafficOf(restarted).Writes, w => !w.Contains("/leases", StringComparison.Ordinal) && !w.Contains("/events", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Renewal_keeps_the_previous_certificate_pinned_during_the_overlap_and_continues_the_crl_numbers()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var clock = new ShiftedTime();
        var host = fx.StartOperator(time: clock);
        var ca = TestCertificateAuthority.CreateRoot("CN=Partner CA,O=Platform");
        await fx.ApplyAsync(World(ca));
        await fx.WaitReadyAsync("mtlslisteners", "agent", timeout: s_timeout);
        await fx.WaitSettledAsync(host);
        var first = Leaf((await fx.TryGetSecretAsync("apps", "partner-a-tls"))!);
        var numberBefore = CrlNumber(await fx.StatusAsync("clientcertificateauthorities", "partner-ca"));

        // Three weeks later (30-day certificate, renewed 10 days before expiry; 7-day CRLs): the operator restarts into the new time.
        await fx.StopAsync(host);
        clock.Shift = TimeSpan.FromDays(21);
        host = fx.StartOperator(time: clock);

        await OperatorFixture.Eventually(async () => await fx.TryGetSecretAsync("apps", "partner-a-tls") is { } s && Leaf(s).SerialNumber != first.SerialNumber, "a renewed certificate", s_timeout);
        var second = Leaf((await fx.TryGetSecretAsync("apps", "partner-a-tls"))!);
        await OperatorFixture.Eventually(async () => await fx.TryGetSecretAsync("apps", "agent-mtls") is { } s
            && OutputOf.Text(s, "haproxy.cfg").Contains(CertificateFingerprints.Of(second).Sha256, StringComparison.Ordinal), "the renewed certificate is pinned", s_timeout);
        var config = OutputOf.Text((await fx.TryGetSecretAsync("apps", "agent-mtls"))!, "haproxy.cfg");
        Assert.True(config.Contains(CertificateFingerprints.Of(first).Sha256, StringComparison.Ordinal),
            $"first {CertificateFingerprints.Of(first).Sha256} second {CertificateFingerprints.Of(second).Sha256}: {config} {(await fx.StatusAsync("clientauthpolicies", "partner-a"))?.ToJsonString()}");
        await OperatorFixture.Eventually(async () => CrlNumber(await fx.StatusAsync("clientcertificateauthorities", "partner-ca")) > numberBefore, "a refreshed CRL with a higher number", s_timeout);
        var states = (await fx.StatusAsync("issuedclientcertificates", "partner-a"))!["certificates"]!.AsArray().Select(c => (string?)c!["state"]).ToList();
        Assert.Equal(["Current", "Previous"], states);
    }

    [Fact]
    public async Task A_renewal_of_an_issued_certificate_pinned_in_a_path_re_queues_the_listener_which_admits_both_during_the_overlap()
    {
        await using var fx = await OperatorFixture.StartAsync();
        fx.StartOperator();
        var ca = TestCertificateAuthority.CreateRoot("CN=Partner CA,O=Platform");
        var world = World(ca);
        var policy = world.Single(o => (string?)o["kind"] == "ClientAuthPolicy");
        policy["spec"] = new JsonObject
        {
            ["trustBundleRef"] = new JsonObject { ["name"] = "partners" },
            ["paths"] = new JsonArray(new JsonObject
            {
                ["prefix"] = "/partner",
                ["pins"] = new JsonArray(new JsonObject { ["issuedCertificateRef"] = new JsonObject { ["name"] = "partner-a" } }),
            }),
        };
        await fx.ApplyAsync(world);
        await fx.WaitReadyAsync("mtlslisteners", "agent", timeout: s_timeout);
        var first = Leaf((await fx.TryGetSecretAsync("apps", "partner-a-tls"))!);
        Assert.Contains(CertificateFingerprints.Of(first).Sha256, OutputOf.Text((await fx.TryGetSecretAsync("apps", "agent-mtls"))!, "haproxy.cfg"), StringComparison.Ordinal);

        // A new key algorithm re-issues now: the policy reads the IssuedClientCertificate only through its path's pin.
        var renewed = IssuedCertificate();
        renewed["spec"]!["keyAlgorithm"] = "ECDSA-P384";
        await fx.ApplyAsync(renewed);

        await OperatorFixture.Eventually(async () => await fx.TryGetSecretAsync("apps", "partner-a-tls") is { } s && Leaf(s).SerialNumber != first.SerialNumber, "a renewed certificate", s_timeout);
        var second = Leaf((await fx.TryGetSecretAsync("apps", "partner-a-tls"))!);
        await OperatorFixture.Eventually(async () => await fx.TryGetSecretAsync("apps", "agent-mtls") is { } s
            && OutputOf.Text(s, "haproxy.cfg").Contains(CertificateFingerprints.Of(second).Sha256, StringComparison.Ordinal), "the renewed certificate is pinned on the path", s_timeout);
        Assert.Contains(CertificateFingerprints.Of(first).Sha256, OutputOf.Text((await fx.TryGetSecretAsync("apps", "agent-mtls"))!, "haproxy.cfg"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revokers_revocation_reaches_the_listener_and_survives_deleting_the_issued_certificate_and_re_creating_the_ca()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        var ca = TestCertificateAuthority.CreateRoot("CN=Partner CA,O=Platform");
        await fx.ApplyAsync(World(ca));
        await fx.WaitReadyAsync("mtlslisteners", "agent", timeout: s_timeout);
        var issued = Leaf((await fx.TryGetSecretAsync("apps", "partner-a-tls"))!);

        await fx.ApplyAsync(Custom("ClientCertificateRevocation", "partner-a-leaves", new JsonObject
        {
            ["authorityRef"] = new JsonObject { ["name"] = "partner-ca" },
            ["issuedCertificateRef"] = new JsonObject { ["name"] = "partner-a" },
            ["reason"] = "AffiliationChanged",
        }));

        await OperatorFixture.Eventually(async () => await fx.TryGetSecretAsync("apps", "agent-mtls") is { } s && Serials(s, "ca.crl").Contains(issued.SerialNumber), "the listener's CRL lists the serial", s_timeout);
        await fx.WaitReadyAsync("clientcertificaterevocations", "partner-a-leaves", timeout: s_timeout);
        await fx.WaitReadyAsync("issuedclientcertificates", "partner-a", "False", timeout: s_timeout);
        Assert.Equal("Revoked", (string?)(await fx.ReadyAsync("issuedclientcertificates", "partner-a"))!["reason"]);
        await fx.WaitSettledAsync(host);

        // The IssuedClientCertificate goes (its Secret with it, as the garbage collector would), then the CA and its CRL ConfigMap. The
        // operator is stopped meanwhile: the test API server has no garbage collector, and a CA still cached would put its ConfigMap back.
        await fx.StopAsync(host);
        await fx.Client.CustomObjects.DeleteNamespacedCustomObjectAsync("mtls-operator.io", "v1alpha1", "apps", "issuedclientcertificates", "partner-a");
        await fx.Client.CoreV1.DeleteNamespacedSecretAsync("partner-a-tls", "apps");
        await fx.Client.CustomObjects.DeleteNamespacedCustomObjectAsync("mtls-operator.io", "v1alpha1", "apps", "clientcertificateauthorities", "partner-ca");
        await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("partner-ca-crl", "apps");
        Assert.Null(await fx.TryGetConfigMapAsync("apps", "partner-ca-crl"));
        fx.StartOperator();
        await fx.ApplyAsync(Custom("ClientCertificateAuthority", "partner-ca", new JsonObject { ["secretRef"] = new JsonObject { ["name"] = "partner-ca-key" } }));

        await OperatorFixture.Eventually(async () => Serials(await fx.TryGetConfigMapAsync("apps", "partner-ca-crl"), "ca.crl").Contains(issued.SerialNumber),
            "the re-created CA's CRL still lists the serial, from the revocation's status", s_timeout);
        await OperatorFixture.Eventually(async () => await fx.TryGetSecretAsync("apps", "agent-mtls") is { } s && Serials(s, "ca.crl").Contains(issued.SerialNumber),
            "the listener keeps refusing it", s_timeout);
    }

    [Fact]
    public async Task A_revocation_by_the_serial_openssl_prints_revokes_the_issued_certificate_holding_it_and_reaches_the_listener()
    {
        await using var fx = await OperatorFixture.StartAsync();
        fx.StartOperator();
        var ca = TestCertificateAuthority.CreateRoot("CN=Partner CA,O=Platform");
        await fx.ApplyAsync(World(ca));
        await fx.WaitReadyAsync("mtlslisteners", "agent", timeout: s_timeout);
        var issued = Leaf((await fx.TryGetSecretAsync("apps", "partner-a-tls"))!);
        var opensslText = string.Join(':', Convert.FromHexString(issued.SerialNumber).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

        await fx.ApplyAsync(Custom("ClientCertificateRevocation", "by-serial", new JsonObject
        {
            ["authorityRef"] = new JsonObject { ["name"] = "partner-ca" },
            ["serialNumbers"] = new JsonArray(opensslText),
        }));

        await OperatorFixture.Eventually(async () => await fx.TryGetSecretAsync("apps", "agent-mtls") is { } s && Serials(s, "ca.crl").Contains(issued.SerialNumber), "the listener's CRL lists the serial", s_timeout);
        await fx.WaitReadyAsync("clientcertificaterevocations", "by-serial", timeout: s_timeout);
        await fx.WaitReadyAsync("issuedclientcertificates", "partner-a", "False", timeout: s_timeout);
        Assert.Equal("Revoked", (string?)(await fx.ReadyAsync("issuedclientcertificates", "partner-a"))!["reason"]);
        Assert.Equal(issued.SerialNumber, Leaf((await fx.TryGetSecretAsync("apps", "partner-a-tls"))!).SerialNumber);
    }

    /// <summary>The CA's key in a Secret, the CA, one issued certificate, a bundle reading the CA and its CRL from the CA's ConfigMap, a policy
    /// pinning the issued certificate by reference, and a listener.</summary>
    private static JsonObject[] World(TestCertificateAuthority ca)
    {
        var server = ca.IssueServer("agent.example.com");
        return
        [
            Manifests.TlsSecret("apps", "partner-ca-key", ca.Certificate),
            Custom("ClientCertificateAuthority", "partner-ca", new JsonObject { ["secretRef"] = new JsonObject { ["name"] = "partner-ca-key" } }),
            IssuedCertificate(),
            Custom("TrustBundle", "partners", new JsonObject
            {
                ["sources"] = new JsonArray(new JsonObject { ["configMap"] = new JsonObject { ["name"] = "partner-ca-crl", ["key"] = "ca.crt" } }),
                ["crls"] = new JsonArray(new JsonObject { ["configMap"] = new JsonObject { ["name"] = "partner-ca-crl", ["key"] = "ca.crl" } }),
            }),
            Custom("ClientAuthPolicy", "partner-a", new JsonObject
            {
                ["trustBundleRef"] = new JsonObject { ["name"] = "partners" },
                ["pins"] = new JsonArray(new JsonObject { ["issuedCertificateRef"] = new JsonObject { ["name"] = "partner-a" } }),
            }),
            Manifests.TlsSecret("apps", "agent-tls", server),
            Manifests.ServerCertificate("apps", "agent", "agent-tls", "agent.example.com"),
            Manifests.Listener("apps", "agent", "agent", "partner-a"),
        ];
    }

    private static JsonObject IssuedCertificate() => Custom("IssuedClientCertificate", "partner-a", new JsonObject
    {
        ["authorityRef"] = new JsonObject { ["name"] = "partner-ca" },
        ["subject"] = "CN=partner-a,O=Partner A",
        ["uris"] = new JsonArray("spiffe://partner.example/agent"),
        ["validityDays"] = 30,
        ["renewBeforeDays"] = 10,
    });

    private static JsonObject Custom(string kind, string name, JsonObject spec) => new()
    {
        ["apiVersion"] = Manifests.Group,
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "apps" },
        ["spec"] = spec,
    };

    private static X509Certificate2 Leaf(V1Secret secret) => X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(secret.Data["tls.crt"]));

    private static System.Numerics.BigInteger CrlNumber(JsonNode? status) =>
        System.Numerics.BigInteger.Parse((string?)status?["crlNumber"] ?? "0", System.Globalization.CultureInfo.InvariantCulture);

    private static IReadOnlyList<string> Serials(V1ConfigMap? configMap, string key) =>
        configMap?.Data is { } data && data.TryGetValue(key, out var pem) ? SerialsOf(pem) : [];

    private static IReadOnlyList<string> Serials(V1Secret secret, string key) =>
        secret.Data.TryGetValue(key, out var pem) ? SerialsOf(Encoding.UTF8.GetString(pem)) : [];

    private static IReadOnlyList<string> SerialsOf(string pem) =>
        [.. PemBlock.ReadAll(pem).Where(b => b.Label == PemLabels.Crl).SelectMany(b => CertificateRevocationList.Parse(b.Der).RevokedSerials)];

    /// <summary>The system clock moved by <see cref="Shift"/>; timers run in real time.</summary>
    private sealed class ShiftedTime : TimeProvider
    {
        public TimeSpan Shift { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Shift;
    }
}
