using System.Text.Json.Nodes;
using MtlsOperator.Tests.Cli;
using MtlsOperator.Tests.Hostile;

namespace MtlsOperator.Tests.Controller;

/// <summary>Input that once crashed evaluation gives the resource Ready=False with the reason, its dependents a reason, the last
/// good output stays, and the operator settles: no retry loop of failing reconciles.</summary>
public sealed class HostileInputTests
{
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_ca_with_malformed_basic_constraints_is_reported_on_the_bundle_and_its_dependents_and_reconciles_stop()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await OperatorFixture.WaitIdleAsync(host);
        var good = await fx.TryGetSecretAsync("apps", "agent-mtls");

        var logFrom = fx.Log.Lines.Count;
        await fx.ApplyAsync(Manifests.InlineBundle("apps", "corp", HostileCertificates.CaWithTruncatedBasicConstraints()));

        await fx.WaitReadyAsync("trustbundles", "corp", "False");
        await fx.WaitReadyAsync("clientauthpolicies", "controller-only", "False");
        await fx.WaitReadyAsync("mtlslisteners", "agent", "False");
        var bundle = (await fx.ReadyAsync("trustbundles", "corp"))!;
        Assert.Equal("MalformedCertificate", (string?)bundle["reason"]);
        Assert.Contains("not valid DER", (string?)bundle["message"], StringComparison.Ordinal);
        Assert.Equal("TrustBundleNotReady", (string?)(await fx.ReadyAsync("clientauthpolicies", "controller-only"))!["reason"]);
        Assert.Equal("ClientAuthPolicyNotReady", (string?)(await fx.ReadyAsync("mtlslisteners", "agent"))!["reason"]);
        await AssertSettledAsync(fx, host, logFrom);
        Assert.Equal(good!.Data["tls.crt"], (await fx.TryGetSecretAsync("apps", "agent-mtls"))!.Data["tls.crt"]);
    }

    [Theory]
    [InlineData("trustbundles", "TrustBundle", "corp", """{"spec":{"sources":[null]}}""", "InvalidSpec", "spec.sources[0] is empty")]
    [InlineData("clientauthpolicies", "ClientAuthPolicy", "controller-only", """{"spec":{"trustBundleRef":{"name":"corp"},"pins":[null]}}""", "InvalidSpec", "spec.pins[0] is empty")]
    [InlineData("mtlslisteners", "MtlsListener", "agent", """{"spec":{"proxy":"haproxy","serverCertificateRefs":[null],"clientAuthPolicyRef":null}}""", "InvalidSpec", "spec.serverCertificateRefs[0] is empty")]
    [InlineData("mtlslisteners", "MtlsListener", "agent", """{"spec":{"proxy":"haproxy","listenPort":8443,"upstreamPort":8080,"serverCertificateRefs":[{"name":"agent"}],"clientAuthPolicyRef":{"name":"controller-only"},"outputSecretName":"../../kube-system/owned"}}""", "InvalidSpec", "spec.outputSecretName")]
    public async Task A_resource_the_schema_would_refuse_gets_Ready_False_with_the_reason_and_reconciles_stop(string plural, string kind, string name, string body, string reason, string message)
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        // Ready is written before the first convergence ends; a reconcile still in flight when the hostile write lands reads the
        // listener's old resourceVersion and its status write gets a legitimate 409 (retried), which this test would count.
        await OperatorFixture.WaitIdleAsync(host);
        var hostile = JsonNode.Parse(body)!.AsObject();
        hostile["apiVersion"] = Manifests.Group;
        hostile["kind"] = kind;
        hostile["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "apps" };

        var logFrom = fx.Log.Lines.Count;
        await fx.ApplyAsync(hostile);

        await OperatorFixture.Eventually(async () => (string?)(await fx.ReadyAsync(plural, name))?["reason"] == reason, $"{kind} {name} reports {reason}");
        Assert.Contains(message, (string?)(await fx.ReadyAsync(plural, name))!["message"], StringComparison.Ordinal);
        await fx.WaitReadyAsync("mtlslisteners", "agent", "False");
        await AssertSettledAsync(fx, host, logFrom);
        Assert.Null(await fx.TryGetSecretAsync("kube-system", "owned"));
    }

    [Fact]
    public async Task A_pinned_certificate_with_malformed_key_usage_is_an_invalid_pin_and_reconciles_stop()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await OperatorFixture.WaitIdleAsync(host);
        var policy = JsonNode.Parse("""{"kind":"ClientAuthPolicy","metadata":{"name":"controller-only","namespace":"apps"},"spec":{"trustBundleRef":{"name":"corp"},"pins":[{"certificate":{"inline":""}}]}}""")!.AsObject();
        policy["apiVersion"] = Manifests.Group;
        policy["spec"]!["pins"]![0]!["certificate"]!["inline"] = HostileCertificates.ClientWithRawExtension("2.5.29.15", [0x04, 0x02, 0x01, 0x06]);

        var logFrom = fx.Log.Lines.Count;
        await fx.ApplyAsync(policy);

        await OperatorFixture.Eventually(async () => (string?)(await fx.ReadyAsync("clientauthpolicies", "controller-only"))?["reason"] == "InvalidPin", "the policy reports InvalidPin");
        Assert.Contains("not valid DER", (string?)(await fx.ReadyAsync("clientauthpolicies", "controller-only"))!["message"], StringComparison.Ordinal);
        await fx.WaitReadyAsync("mtlslisteners", "agent", "False");
        await AssertSettledAsync(fx, host, logFrom);
    }

    /// <summary>Idle, no failed reconcile logged since <paramref name="logFrom"/> (the hostile write), and no reconcile at all while nothing changes.</summary>
    private static async Task AssertSettledAsync(OperatorFixture fx, MtlsOperator.Controller.OperatorHost host, int logFrom)
    {
        await OperatorFixture.WaitIdleAsync(host);
        var reconciles = host.ReconcileCount;
        await Task.Delay(s_settle);

        Assert.True(host.IsIdle, "the operator is still busy");
        Assert.Equal(reconciles, host.ReconcileCount);
        var failed = fx.Log.Lines.Skip(logFrom).Where(l => l.Contains("failed (attempt", StringComparison.Ordinal)).ToList();
        Assert.True(failed.Count == 0, string.Join('\n', failed));
    }
}
