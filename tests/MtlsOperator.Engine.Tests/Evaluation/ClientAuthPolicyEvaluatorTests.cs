using System.Security.Cryptography.X509Certificates;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.TrustBundles;

namespace MtlsOperator.Engine.Tests.Evaluation;

public sealed class ClientAuthPolicyEvaluatorTests
{
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Policy Root,O=Corp");
    private static readonly TestCertificateAuthority s_issuing = s_root.CreateIntermediate("CN=Policy Issuing,O=Corp");
    private static readonly X509Certificate2 s_client = s_issuing.IssueClient("CN=agent,O=Corp");
    private static readonly CertificateFingerprints s_fingerprints = CertificateFingerprints.Of(s_client);

    private readonly List<k8s.IKubernetesObject<V1ObjectMeta>> _world = [Bundle([Inline(s_root, s_issuing)])];

    private static ClientAuthPolicy Policy(IEnumerable<PinSpec>? pins = null, IEnumerable<MatchRuleSpec>? rules = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "agents", NamespaceProperty = Namespace, Generation = 2 },
        Spec = new ClientAuthPolicySpec { TrustBundleRef = new ObjectReference { Name = "corp" }, Pins = [.. pins ?? []], Rules = [.. rules ?? []] },
    };

    private static PinSpec Sha256Pin(string value) => new() { Sha256 = value };

    private ClientAuthPolicyEvaluation Evaluate(ClientAuthPolicy policy) => new ClientAuthPolicyEvaluator().Evaluate(policy, Context([.. _world]));

    private static V1Condition Ready(ClientAuthPolicyEvaluation result) => result.Status.Conditions.Single(c => c.Type == ConditionTypes.Ready);

    [Fact]
    public void Pinned_thumbprint_is_admitted_with_the_bundle_cas()
    {
        var result = Evaluate(Policy([Sha256Pin(CertificateFingerprints.WithColons(s_fingerprints.Sha256))]));

        var entry = Assert.Single(result.Admission!.Pins);
        Assert.Equal(new CertificatePin(PinAlgorithm.Sha256, s_fingerprints.Sha256), Assert.Single(entry.Forms));
        Assert.Contains(PemExport.Certificate(s_root.Certificate).Trim(), result.Admission.CaBundlePem, StringComparison.Ordinal);
        Assert.Equal(("True", ClientAuthPolicyReasons.Accepted), (Ready(result).Status, Ready(result).Reason));
    }

    [Fact]
    public void Status_lists_each_normalized_pin_with_its_source()
    {
        var result = Evaluate(Policy([new PinSpec { Sha1 = s_fingerprints.Sha1.ToUpperInvariant() }, new PinSpec { SpkiSha256 = "sha256/" + s_fingerprints.SpkiSha256 }]));

        Assert.Equal([("sha1", s_fingerprints.Sha1, "spec.pins[0]"), ("spki-sha256", s_fingerprints.SpkiSha256, "spec.pins[1]")],
            result.Status.Pins.Select(p => (p.Algorithm, p.Value, p.Source)));
    }

    [Fact]
    public void Certificate_pin_yields_all_three_forms()
    {
        _world.Add(Secret("agent-cert", "tls.crt", PemExport.Certificate(s_client)));

        var result = Evaluate(Policy([new PinSpec { Certificate = new DataSource { Secret = new KeyReference { Name = "agent-cert", Key = "tls.crt" } } }]));

        var entry = Assert.Single(result.Admission!.Pins);
        Assert.Equal(
            [new(PinAlgorithm.Sha1, s_fingerprints.Sha1), new(PinAlgorithm.Sha256, s_fingerprints.Sha256), new CertificatePin(PinAlgorithm.SpkiSha256, s_fingerprints.SpkiSha256)],
            entry.Forms.ToArray());
        Assert.Equal(3, result.Status.Pins.Count(p => p.Source == "spec.pins[0]"));
    }

    [Fact]
    public void Certificate_pin_does_not_copy_a_private_key_next_to_it()
    {
        var result = Evaluate(Policy([new PinSpec { Certificate = Inline(PemExport.Certificate(s_client) + PemExport.PrivateKey(s_client)) }]));

        Assert.Equal(ClientAuthPolicyReasons.PrivateKeyInSource, Assert.Single(result.Status.Problems).Reason);
        Assert.DoesNotContain("PRIVATE KEY", result.Admission!.CaBundlePem, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_pin_issued_outside_the_bundle_is_reported()
    {
        var stranger = TestCertificateAuthority.CreateRoot("CN=Elsewhere").IssueClient();

        var result = Evaluate(Policy([new PinSpec { Certificate = Inline(PemExport.Certificate(stranger)) }]));

        Assert.Equal(ClientAuthPolicyReasons.PinnedCertificateNotInBundle, Assert.Single(result.Status.Problems).Reason);
    }

    [Fact]
    public void Certificate_pin_of_a_ca_is_reported()
    {
        var result = Evaluate(Policy([new PinSpec { Certificate = Inline(PemExport.Certificate(s_issuing.Certificate)) }]));

        Assert.Contains(result.Status.Problems, p => p.Reason == ClientAuthPolicyReasons.PinnedCertificateIsCa);
    }

    [Fact]
    public void Malformed_pin_blocks_and_names_the_entry_and_the_fix()
    {
        var result = Evaluate(Policy([Sha256Pin(s_fingerprints.Sha256), Sha256Pin(s_fingerprints.Sha1)]));

        Assert.Null(result.Admission);
        Assert.Equal(("False", ClientAuthPolicyReasons.InvalidPin), (Ready(result).Status, Ready(result).Reason));
        Assert.StartsWith("spec.pins[1].sha256 has 40 hex digits, which is a SHA-1 certificate thumbprint; put it under sha1.", Ready(result).Message, StringComparison.Ordinal);
        Assert.Equal("spec.pins[1]", Assert.Single(result.Status.Problems).Entry);
    }

    [Fact]
    public void Pin_with_two_forms_set_is_invalid()
    {
        var result = Evaluate(Policy([new PinSpec { Sha1 = s_fingerprints.Sha1, Sha256 = s_fingerprints.Sha256 }]));

        Assert.Equal(ClientAuthPolicyReasons.InvalidPin, Ready(result).Reason);
        Assert.Contains("set exactly one", Ready(result).Message);
    }

    [Fact]
    public void Certificate_pin_holding_two_certificates_is_invalid()
    {
        var result = Evaluate(Policy([new PinSpec { Certificate = Inline(PemExport.Certificates([s_client, s_issuing.Certificate])) }]));

        Assert.Equal(ClientAuthPolicyReasons.InvalidPin, Ready(result).Reason);
        Assert.Contains("holds 2 certificates", Ready(result).Message);
    }

    [Fact]
    public void Certificate_pin_from_another_namespace_is_refused()
    {
        var result = Evaluate(Policy([new PinSpec { Certificate = new DataSource { Secret = new KeyReference { Name = "c", Key = "k", Namespace = "team-b" } } }]));

        Assert.Equal(DataSourceReasons.CrossNamespaceReference, Ready(result).Reason);
        Assert.Null(result.Admission);
    }

    [Fact]
    public void Duplicate_pin_is_reported_and_admitted_once()
    {
        var result = Evaluate(Policy([Sha256Pin(s_fingerprints.Sha256), Sha256Pin(CertificateFingerprints.WithColons(s_fingerprints.Sha256))]));

        Assert.Single(result.Admission!.Pins);
        var problem = Assert.Single(result.Status.Problems);
        Assert.Equal((ClientAuthPolicyReasons.DuplicatePin, "spec.pins[1]"), (problem.Reason, problem.Entry));
        Assert.Equal(ClientAuthPolicyReasons.AcceptedWithProblems, Ready(result).Reason);
    }

    [Fact]
    public void A_renewed_certificate_keeping_its_key_is_a_second_pin_not_a_duplicate()
    {
        var renewed = s_issuing.Renew(s_client);
        _world.Add(Secret("old", "tls.crt", PemExport.Certificate(s_client)));
        _world.Add(Secret("new", "tls.crt", PemExport.Certificate(renewed)));

        var result = Evaluate(Policy([
            new PinSpec { Certificate = new DataSource { Secret = new KeyReference { Name = "old", Key = "tls.crt" } } },
            new PinSpec { Certificate = new DataSource { Secret = new KeyReference { Name = "new", Key = "tls.crt" } } },
        ]));

        Assert.Equal(CertificateFingerprints.Of(s_client).SpkiSha256, CertificateFingerprints.Of(renewed).SpkiSha256);
        Assert.Equal([s_fingerprints.Sha256, CertificateFingerprints.Of(renewed).Sha256],
            result.Admission!.Pins.Select(p => p.Forms.Single(f => f.Algorithm == PinAlgorithm.Sha256).Value));
        Assert.Empty(result.Status.Problems);
    }

    [Fact]
    public void Rules_are_normalized_to_the_openssl_dn_form()
    {
        var result = Evaluate(Policy(rules: [new MatchRuleSpec { Issuer = "CN=Policy Issuing, O=Corp", Subject = "cn=*, ou=Payments, o=Corp" }]));

        Assert.Equal(new ClientMatchRule("CN=Policy Issuing,O=Corp", "CN=*,OU=Payments,O=Corp", null, null), Assert.Single(result.Admission!.Rules));
        Assert.Equal("issuer \"CN=Policy Issuing,O=Corp\" and subject \"CN=*,OU=Payments,O=Corp\"", Assert.Single(result.Status.Rules));
    }

    [Fact]
    public void San_rules_are_kept_with_dns_names_lowercased()
    {
        var result = Evaluate(Policy(rules: [new MatchRuleSpec { DnsName = "Agent.Example.COM" }, new MatchRuleSpec { Uri = "spiffe://corp/ns/a/sa/agent" }]));

        Assert.Equal([new ClientMatchRule(null, null, "agent.example.com", null), new ClientMatchRule(null, null, null, "spiffe://corp/ns/a/sa/agent")],
            result.Admission!.Rules.ToArray());
    }

    [Fact]
    public void Rule_without_fields_blocks()
    {
        var result = Evaluate(Policy(rules: [new MatchRuleSpec()]));

        Assert.Equal(("False", ClientAuthPolicyReasons.InvalidRule), (Ready(result).Status, Ready(result).Reason));
        Assert.Contains("would match every client", Ready(result).Message);
    }

    [Theory]
    [InlineData("CN=a;O=b", null, null)]
    [InlineData("CN=*,O=Corp", null, null)]
    [InlineData(null, "Nonsense", null)]
    [InlineData(null, null, "*.example.com")]
    public void Malformed_rule_blocks(string? issuer, string? subject, string? dnsName)
    {
        var result = Evaluate(Policy(rules: [new MatchRuleSpec { Issuer = issuer, Subject = subject, DnsName = dnsName }]));

        Assert.Equal(ClientAuthPolicyReasons.InvalidRule, Ready(result).Reason);
        Assert.StartsWith("spec.rules[0].", Ready(result).Message, StringComparison.Ordinal);
        Assert.Null(result.Admission);
    }

    [Fact]
    public void Uri_rule_that_is_not_absolute_blocks()
    {
        var result = Evaluate(Policy(rules: [new MatchRuleSpec { Uri = "not a uri" }]));

        Assert.Equal(ClientAuthPolicyReasons.InvalidRule, Ready(result).Reason);
    }

    [Fact]
    public void Rule_naming_an_issuer_outside_the_bundle_blocks()
    {
        var result = Evaluate(Policy(rules: [new MatchRuleSpec { Issuer = "CN=Other CA" }]));

        Assert.Equal(("False", ClientAuthPolicyReasons.RuleIssuerNotInBundle), (Ready(result).Status, Ready(result).Reason));
        Assert.Contains("CN=Policy Issuing,O=Corp", Ready(result).Message, StringComparison.Ordinal);
        Assert.Null(result.Admission);
    }

    [Fact]
    public void Repeated_rule_is_reported_and_kept_once()
    {
        var result = Evaluate(Policy(rules: [new MatchRuleSpec { Subject = "CN=a,O=Corp" }, new MatchRuleSpec { Subject = "CN=a, O=Corp" }]));

        Assert.Single(result.Admission!.Rules);
        Assert.Equal(ClientAuthPolicyReasons.DuplicateRule, Assert.Single(result.Status.Problems).Reason);
    }

    [Fact]
    public void Policy_without_pins_or_rules_admits_no_one_and_is_not_ready()
    {
        var result = Evaluate(Policy());

        Assert.Equal(("False", ClientAuthPolicyReasons.NoClientsAdmitted), (Ready(result).Status, Ready(result).Reason));
        Assert.Null(result.Admission);
    }

    [Fact]
    public void Missing_trust_bundle_is_not_ready()
    {
        _world.Clear();

        var result = Evaluate(Policy([Sha256Pin(s_fingerprints.Sha256)]));

        Assert.Equal(ClientAuthPolicyReasons.TrustBundleNotFound, Ready(result).Reason);
        Assert.Null(result.Admission);
    }

    [Fact]
    public void Trust_bundle_in_another_namespace_is_refused()
    {
        var policy = Policy([Sha256Pin(s_fingerprints.Sha256)]);
        policy.Spec.TrustBundleRef.Namespace = "team-b";

        var result = Evaluate(policy);

        Assert.Equal(DataSourceReasons.CrossNamespaceReference, Ready(result).Reason);
    }

    [Fact]
    public void Unusable_trust_bundle_is_not_ready_and_its_reason_is_quoted()
    {
        _world[0] = Bundle([Inline("not pem")]);

        var result = Evaluate(Policy([Sha256Pin(s_fingerprints.Sha256)]));

        Assert.Equal(ClientAuthPolicyReasons.TrustBundleNotReady, Ready(result).Reason);
        Assert.Contains(TrustBundleReasons.MalformedCertificate, Ready(result).Message);
    }

    [Fact]
    public void Auto_revocation_uses_the_bundle_crls()
    {
        _world[0] = Bundle([Inline(s_root, s_issuing)], [Inline(s_issuing.CreateCrlPem())]);

        var result = Evaluate(Policy([Sha256Pin(s_fingerprints.Sha256)]));

        Assert.NotNull(result.Admission!.CrlPem);
        Assert.Equal(["CN=Policy Root,O=Corp"], result.Admission.CasWithoutCrl.ToArray());
        Assert.True(result.Status.RevocationChecked);
    }

    [Fact]
    public void Auto_revocation_without_crls_checks_nothing()
    {
        var result = Evaluate(Policy([Sha256Pin(s_fingerprints.Sha256)]));

        Assert.Null(result.Admission!.CrlPem);
        Assert.Empty(result.Admission.CasWithoutCrl);
        Assert.False(result.Status.RevocationChecked);
    }

    [Fact]
    public void Required_revocation_without_crls_is_not_ready()
    {
        var policy = Policy([Sha256Pin(s_fingerprints.Sha256)]);
        policy.Spec.Revocation = "Required";

        var result = Evaluate(policy);

        Assert.Equal(ClientAuthPolicyReasons.CrlRequired, Ready(result).Reason);
        Assert.Null(result.Admission);
    }

    [Fact]
    public void Disabled_revocation_ignores_the_bundle_crls()
    {
        _world[0] = Bundle([Inline(s_root, s_issuing)], [Inline(s_issuing.CreateCrlPem())]);
        var policy = Policy([Sha256Pin(s_fingerprints.Sha256)]);
        policy.Spec.Revocation = "Disabled";

        var result = Evaluate(policy);

        Assert.Null(result.Admission!.CrlPem);
        Assert.False(result.Status.RevocationChecked);
    }

    [Fact]
    public void Unknown_revocation_mode_is_invalid()
    {
        var policy = Policy([Sha256Pin(s_fingerprints.Sha256)]);
        policy.Spec.Revocation = "Sometimes";

        Assert.Equal(ClientAuthPolicyReasons.InvalidSpec, Ready(Evaluate(policy)).Reason);
    }

    [Theory]
    [InlineData("X-Client Identity")]
    [InlineData("X-Client:Identity")]
    [InlineData("")]
    [InlineData("Host")]
    public void Forward_header_must_be_a_dedicated_http_token(string header)
    {
        var policy = Policy([Sha256Pin(s_fingerprints.Sha256)]);
        policy.Spec.ForwardIdentityHeader = header;

        var result = Evaluate(policy);

        Assert.Equal(ClientAuthPolicyReasons.InvalidSpec, Ready(result).Reason);
        Assert.Contains("forwardIdentityHeader", Ready(result).Message);
    }

    [Fact]
    public void Forward_header_is_passed_to_the_admission()
    {
        var policy = Policy([Sha256Pin(s_fingerprints.Sha256)]);
        policy.Spec.ForwardIdentityHeader = "X-Client-Identity";

        Assert.Equal("X-Client-Identity", Evaluate(policy).Admission!.ForwardIdentityHeader);
    }

    [Fact]
    public void Conditions_carry_the_policy_generation()
    {
        var result = Evaluate(Policy([Sha256Pin(s_fingerprints.Sha256)]));

        Assert.Equal((2L, 2L), (result.Status.ObservedGeneration, Ready(result).ObservedGeneration));
    }
}
