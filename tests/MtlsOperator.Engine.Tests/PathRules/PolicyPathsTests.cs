using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;
using MtlsOperator.Engine.Rendering.Envoy;
using MtlsOperator.Engine.Rendering.Haproxy;
using MtlsOperator.Engine.Rendering.Nginx;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.TrustBundles;

namespace MtlsOperator.Engine.Tests.PathRules;

/// <summary>spec.paths evaluated: each prefix valid and distinct, each with a pin or a rule, read like the policy's own; a policy of
/// paths alone is Ready (other paths then admit no one); what a proxy cannot enforce per path is refused, never rendered wider.</summary>
public sealed class PolicyPathsTests
{
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Paths Root,O=Corp");
    private static readonly string s_sha256 = CertificateFingerprints.Of(s_root.IssueClient("CN=operator,O=Corp")).Sha256;

    private static ClientAuthPolicy Policy(params PathRuleSpec[] paths) => new()
    {
        Metadata = new V1ObjectMeta { Name = "portal", NamespaceProperty = Namespace, Generation = 1 },
        Spec = new ClientAuthPolicySpec { TrustBundleRef = new ObjectReference { Name = "corp" }, Paths = [.. paths] },
    };

    private static PathRuleSpec Path(string prefix, string? sha256 = null, string? issuer = null) => new()
    {
        Prefix = prefix,
        Pins = sha256 is null ? [] : [new PinSpec { Sha256 = sha256 }],
        Rules = issuer is null ? [] : [new MatchRuleSpec { Issuer = issuer }],
    };

    private static ClientAuthPolicyEvaluation Evaluate(ClientAuthPolicy policy) =>
        new ClientAuthPolicyEvaluator().Evaluate(policy, Context(Bundle([Inline(s_root)])));

    private static V1Condition Ready(ClientAuthPolicyEvaluation result) => result.Status.Conditions.Single(c => c.Type == ConditionTypes.Ready);

    [Fact]
    public void A_policy_of_paths_alone_is_ready_and_each_path_keeps_its_own_pins_and_rules()
    {
        var result = Evaluate(Policy(Path("/admin", sha256: s_sha256), Path("/api", issuer: "CN=Paths Root,O=Corp")));

        Assert.Equal("True", Ready(result).Status);
        Assert.Empty(result.Admission!.Pins);
        Assert.Equal(["/admin", "/api"], result.Admission.Paths.Select(p => p.Prefix));
        Assert.Equal(s_sha256, Assert.Single(Assert.Single(result.Admission.Paths[0].Pins).Forms).Value);
        Assert.Single(result.Admission.Paths[1].Rules);
        Assert.Contains(result.Status.Pins, p => p.Source == "spec.paths[0].pins[0]" && p.Value == s_sha256);
        Assert.Contains(result.Status.Rules, r => r.StartsWith("/api: ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/admin/")]
    [InlineData("/ad%6Din")]
    [InlineData("admin")]
    [InlineData("/x/../admin")]
    [InlineData("/")]
    public void A_malformed_prefix_is_refused(string prefix)
    {
        var result = Evaluate(Policy(Path(prefix, sha256: s_sha256)));

        Assert.Null(result.Admission);
        Assert.Equal(ClientAuthPolicyReasons.InvalidPath, Ready(result).Reason);
    }

    [Fact]
    public void The_same_prefix_in_another_case_is_refused_as_a_repetition()
    {
        var result = Evaluate(Policy(Path("/admin", sha256: s_sha256), Path("/ADMIN", issuer: "CN=Paths Root,O=Corp")));

        Assert.Equal(ClientAuthPolicyReasons.InvalidPath, Ready(result).Reason);
        Assert.Contains("repeats spec.paths[0]", Ready(result).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_without_pins_or_rules_is_refused()
    {
        var result = Evaluate(Policy(Path("/admin")));

        Assert.Equal(ClientAuthPolicyReasons.InvalidPath, Ready(result).Reason);
    }

    [Fact]
    public void A_malformed_pin_under_a_path_names_its_place()
    {
        var result = Evaluate(Policy(Path("/admin", sha256: "zz")));

        Assert.Equal(ClientAuthPolicyReasons.InvalidPin, Ready(result).Reason);
        Assert.Contains("spec.paths[0].pins[0]", Ready(result).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_at_all_is_still_refused()
    {
        Assert.Equal(ClientAuthPolicyReasons.NoClientsAdmitted, Ready(Evaluate(Policy())).Reason);
    }

    private static ListenerRenderModel Model(params PathScope[] paths) =>
        new("shop", "portal", 8443, "127.0.0.1", 8080, "/etc/mtls", [new ServerCertificateFiles("web", ["web.example.com"], "tls.crt", "tls.key")],
            "ca.crt", null, [], [], [], null) { Paths = [.. paths] };

    [Fact]
    public void Every_proxy_renders_paths_alone_and_refuses_a_renderer_model_without_any_admission()
    {
        var sha1 = new CertificatePin(PinAlgorithm.Sha1, new string('1', 40));
        var sha256 = new CertificatePin(PinAlgorithm.Sha256, new string('2', 64));

        Assert.Empty(new HaproxyRenderer().FindUnenforceable(Model(new PathScope("/admin", [sha1], []))));
        Assert.Empty(new NginxRenderer().FindUnenforceable(Model(new PathScope("/admin", [sha1], []))));
        Assert.Empty(new EnvoyRenderer().FindUnenforceable(Model(new PathScope("/admin", [sha256], []))));
        Assert.NotEmpty(new HaproxyRenderer().FindUnenforceable(Model()));
        Assert.NotEmpty(new NginxRenderer().FindUnenforceable(Model(new PathScope("/admin", [], []))));
    }

    [Fact]
    public void Envoy_refuses_rules_and_spki_pins_per_path_because_its_rbac_sees_only_the_certificates_sha256()
    {
        var envoy = new EnvoyRenderer();

        Assert.Contains(envoy.FindUnenforceable(Model(new PathScope("/admin", [], [new ClientMatchRule(null, null, "a.example.com", null)]))),
            p => p.Contains("cannot match issuer, subject or SAN rules per path", StringComparison.Ordinal));
        Assert.Contains(envoy.FindUnenforceable(Model(new PathScope("/admin", [new CertificatePin(PinAlgorithm.SpkiSha256, Convert.ToBase64String(new byte[32]))], []))),
            p => p.Contains("cannot be checked per path", StringComparison.Ordinal));
        Assert.Contains(envoy.FindUnenforceable(Model(new PathScope("/admin", [new CertificatePin(PinAlgorithm.Sha256, new string('2', 64))], [])) with
        {
            Rules = [new ClientMatchRule(null, null, "a.example.com", null)],
        }), p => p.Contains("the policy's own pins and rules", StringComparison.Ordinal));
    }

    [Fact]
    public void Haproxy_and_nginx_refuse_a_san_rule_under_a_path_as_they_do_elsewhere()
    {
        var model = Model(new PathScope("/admin", [], [new ClientMatchRule(null, null, "a.example.com", null)]));

        Assert.Contains(new HaproxyRenderer().FindUnenforceable(model), p => p.StartsWith("Path /admin: rule 0", StringComparison.Ordinal));
        Assert.Contains(new NginxRenderer().FindUnenforceable(model), p => p.StartsWith("Path /admin: rule 0", StringComparison.Ordinal));
    }
}
