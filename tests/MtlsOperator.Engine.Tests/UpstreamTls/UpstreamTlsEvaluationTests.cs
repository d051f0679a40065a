using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.UpstreamTls;
using TestPki;
using static MtlsOperator.Engine.Tests.UpstreamTls.UpstreamTlsWorld;

namespace MtlsOperator.Engine.Tests.UpstreamTls;

/// <summary>spec.upstreamTls evaluated: the upstream's own trust and certificate land in the output Secret, verification is never off
/// unless the spec says so in its exact words, and status says which it is.</summary>
public sealed class UpstreamTlsEvaluationTests
{
    [Fact]
    public void Verified_upstream_tls_writes_the_upstreams_own_trust_and_says_so_in_status()
    {
        var world = new UpstreamTlsWorld();

        var result = world.Evaluate();

        Assert.Equal("True", Condition(result, ConditionTypes.Ready).Status);
        Assert.Equal(PemExport.Certificate(world.AppRoot.Certificate).Trim(), File(result, "upstream-ca.crt").Trim());
        var verified = Condition(result, ConditionTypes.UpstreamVerified);
        Assert.Equal(("True", UpstreamTlsReasons.Verified), (verified.Status, verified.Reason));
        Assert.Contains("app.internal", verified.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_exact_insecure_phrase_renders_without_verification_and_status_flags_it()
    {
        var world = new UpstreamTlsWorld();
        world.Tls.TrustBundleRef = null;
        world.Tls.InsecureSkipVerify = UpstreamTlsSpec.InsecureSkipVerifyPhrase;

        var result = world.Evaluate();

        Assert.Equal("True", Condition(result, ConditionTypes.Ready).Status);
        var verified = Condition(result, ConditionTypes.UpstreamVerified);
        Assert.Equal(("False", UpstreamTlsReasons.VerificationDisabled), (verified.Status, verified.Reason));
        Assert.DoesNotContain("upstream-ca.crt", result.Output!.Data.Keys);
        Assert.Contains(" ssl verify none sni str(app.internal)", File(result, "haproxy.cfg"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("yes")]
    [InlineData("iunderstandthisdisablesupstreamverification")]
    [InlineData("IUnderstandThisDisablesUpstreamVerification ")]
    public void Any_other_insecure_value_is_refused_and_nothing_is_rendered(string value)
    {
        var world = new UpstreamTlsWorld();
        world.Tls.TrustBundleRef = null;
        world.Tls.InsecureSkipVerify = value;

        var result = world.Evaluate();

        Assert.Null(result.Output);
        Assert.Equal(ListenerReasons.InvalidSpec, Condition(result, ConditionTypes.Ready).Reason);
        Assert.Equal("False", Condition(result, ConditionTypes.UpstreamVerified).Status);
    }

    [Fact]
    public void Neither_trust_nor_the_insecure_phrase_is_refused()
    {
        var world = new UpstreamTlsWorld();
        world.Tls.TrustBundleRef = null;

        var result = world.Evaluate();

        Assert.Null(result.Output);
        Assert.Equal(ListenerReasons.InvalidSpec, Condition(result, ConditionTypes.Ready).Reason);
    }

    [Fact]
    public void Both_trust_and_the_insecure_phrase_is_refused()
    {
        var world = new UpstreamTlsWorld();
        world.Tls.InsecureSkipVerify = UpstreamTlsSpec.InsecureSkipVerifyPhrase;

        var result = world.Evaluate();

        Assert.Null(result.Output);
        Assert.Equal(ListenerReasons.InvalidSpec, Condition(result, ConditionTypes.Ready).Reason);
        Assert.Equal("False", Condition(result, ConditionTypes.UpstreamVerified).Status);
    }

    [Fact]
    public void An_ip_upstream_needs_a_server_name()
    {
        var world = new UpstreamTlsWorld();
        world.Tls.ServerName = null;

        var result = world.Evaluate();

        Assert.Equal(ListenerReasons.InvalidSpec, Condition(result, ConditionTypes.Ready).Reason);
        Assert.Contains("serverName is required", Condition(result, ConditionTypes.Ready).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_upstream_is_its_own_server_name()
    {
        var world = new UpstreamTlsWorld();
        world.Tls.ServerName = null;
        world.Listener.Spec.UpstreamHost = "App.Payments.svc.cluster.local.";

        var result = world.Evaluate();

        Assert.Contains("verifyhost app.payments.svc.cluster.local sni str(app.payments.svc.cluster.local)", File(result, "haproxy.cfg"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*.internal")]
    [InlineData("10.0.0.7")]
    [InlineData("app.internal;")]
    [InlineData("app.internal verify none")]
    [InlineData("app.internal\n")]
    public void A_server_name_that_is_not_a_dns_name_is_refused(string name)
    {
        var world = new UpstreamTlsWorld();
        world.Tls.ServerName = name;

        var result = world.Evaluate();

        Assert.Null(result.Output);
        Assert.Equal(ListenerReasons.InvalidSpec, Condition(result, ConditionTypes.Ready).Reason);
    }

    [Fact]
    public void A_missing_upstream_bundle_waits_for_it()
    {
        var world = new UpstreamTlsWorld().Without(TrustBundle.KindName, "app-ca");

        var result = world.Evaluate();

        Assert.Null(result.Output);
        Assert.Equal(UpstreamTlsReasons.TrustBundleNotFound, Condition(result, ConditionTypes.Ready).Reason);
        Assert.Equal("True", Condition(result, ConditionTypes.Reconciling).Status);
    }

    [Fact]
    public void An_upstream_bundle_in_another_namespace_is_refused()
    {
        var world = new UpstreamTlsWorld();
        world.Tls.TrustBundleRef = new ObjectReference { Name = "app-ca", Namespace = "other" };

        var result = world.Evaluate();

        Assert.Equal(ListenerReasons.CrossNamespaceReference, Condition(result, ConditionTypes.Ready).Reason);
    }

    [Fact]
    public void The_client_certificate_and_its_key_are_written_for_the_proxy()
    {
        var world = new UpstreamTlsWorld().WithClientCertificate();

        var result = world.Evaluate();

        Assert.Equal(PemExport.Certificate(world.ProxyClient).Trim(), File(result, "upstream-client.crt").Trim());
        Assert.Equal(File(result, "upstream-client.key"), File(result, "upstream-client.crt.key"));
        Assert.Contains(" crt /etc/mtls/upstream-client.crt", File(result, "haproxy.cfg"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_client_certificate_secret_waits_for_it()
    {
        var world = new UpstreamTlsWorld().WithClientCertificate().Without(V1Secret.KubeKind, "proxy-client");

        var result = world.Evaluate();

        Assert.Equal(UpstreamTlsReasons.ClientCertificateNotFound, Condition(result, ConditionTypes.Ready).Reason);
    }

    public static TheoryData<string> UnusableClientCertificates => ["mismatched key", "serverAuth only", "expired", "no key"];

    [Theory]
    [MemberData(nameof(UnusableClientCertificates))]
    public void An_unusable_client_certificate_is_refused_and_nothing_is_rendered(string flaw)
    {
        var world = new UpstreamTlsWorld();
        var other = world.AppRoot.IssueClient("CN=other,O=App");
        world.ClientSecret = flaw switch
        {
            "mismatched key" => TlsSecret("proxy-client", world.ProxyClient, PemExport.PrivateKey(other)),
            "serverAuth only" => TlsSecret("proxy-client", world.AppRoot.IssueServer("proxy.internal")),
            "expired" => TlsSecret("proxy-client", world.AppRoot.IssueClient("CN=old,O=App", new LeafOptions
            {
                NotBefore = DateTimeOffset.UtcNow.AddDays(-10), NotAfter = DateTimeOffset.UtcNow.AddDays(-1),
            })),
            _ => TlsSecret("proxy-client", world.ProxyClient, ""),
        };
        world.WithClientCertificate();

        var result = world.Evaluate();

        Assert.Null(result.Output);
        Assert.Equal(UpstreamTlsReasons.ClientCertificateInvalid, Condition(result, ConditionTypes.Ready).Reason);
        Assert.DoesNotContain("PRIVATE KEY", Condition(result, ConditionTypes.Ready).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_listener_is_re_evaluated_when_the_upstream_bundle_or_client_secret_changes()
    {
        var world = new UpstreamTlsWorld().WithClientCertificate();

        var references = ResourceReferences.Of(world.Listener);

        Assert.Contains(new ResourceKey(TrustBundle.KindName, Namespace, "app-ca"), references);
        Assert.Contains(new ResourceKey(V1Secret.KubeKind, Namespace, "proxy-client"), references);
    }

    [Fact]
    public void Nginx_verifies_the_upstream_name_and_chain_and_presents_the_client_certificate()
    {
        var result = new UpstreamTlsWorld("nginx").WithClientCertificate().Evaluate();

        var config = File(result, "nginx.conf");
        foreach (var line in new[]
        {
            "proxy_pass https://10.0.0.7:8080;", "proxy_ssl_verify on;", "proxy_ssl_trusted_certificate /etc/mtls/upstream-ca.crt;",
            "proxy_ssl_name app.internal;", "proxy_ssl_server_name on;", "proxy_ssl_certificate /etc/mtls/upstream-client.crt;",
            "proxy_ssl_certificate_key /etc/mtls/upstream-client.key;",
        })
        {
            Assert.Contains(line, config, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("proxy_ssl_verify off", config, StringComparison.Ordinal);
    }
}
