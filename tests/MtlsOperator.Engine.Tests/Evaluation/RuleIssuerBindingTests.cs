using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Policy;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.TrustBundles;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>An issuer rule means "issued by this CA certificate of the bundle": it is refused whenever another CA of the bundle
/// could issue a CA under the same name, because the proxies only compare names.</summary>
public sealed class RuleIssuerBindingTests
{
    private const string IssuingName = "CN=Bind Issuing CA,O=Corp";
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Bind Root,O=Corp");
    private static readonly TestCertificateAuthority s_issuing = s_root.CreateIntermediate(IssuingName);

    private static ClientAuthPolicyEvaluation Evaluate(string issuer, params TestCertificateAuthority[] bundle)
    {
        var policy = new ClientAuthPolicy
        {
            Metadata = new V1ObjectMeta { Name = "partners", NamespaceProperty = Namespace, Generation = 1 },
            Spec = new ClientAuthPolicySpec
            {
                TrustBundleRef = new ObjectReference { Name = "corp" },
                Rules = [new MatchRuleSpec { Issuer = issuer, Subject = "CN=*,OU=Partners,O=Corp" }],
            },
        };
        return new ClientAuthPolicyEvaluator().Evaluate(policy, Context(Bundle([Inline(bundle)]), policy));
    }

    private static V1Condition Ready(ClientAuthPolicyEvaluation result) => result.Status.Conditions.Single(c => c.Type == ConditionTypes.Ready);

    private static X509Extension NameConstraints(string? permitted, string? excluded)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var (dn, tag) in new[] { (permitted, 0), (excluded, 1) })
            {
                if (dn is null)
                {
                    continue;
                }

                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, tag, isConstructed: true)))
                using (writer.PushSequence())
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true)))
                {
                    writer.WriteEncodedValue(new X500DistinguishedName(dn).RawData);
                }
            }
        }

        return new X509Extension("2.5.29.30", writer.Encode(), critical: true);
    }

    [Fact]
    public void Issuer_of_a_two_level_corporate_pki_binds_to_the_issuing_ca()
    {
        var result = Evaluate(IssuingName, s_root, s_issuing);

        Assert.Equal(("True", ClientAuthPolicyReasons.Accepted), (Ready(result).Status, Ready(result).Reason));
        Assert.Equal(IssuingName, Assert.Single(result.Admission!.Rules).Issuer);
    }

    [Fact]
    public void A_partner_root_that_can_issue_intermediates_makes_the_issuer_ambiguous()
    {
        var partner = TestCertificateAuthority.CreateRoot("CN=Partner Root,O=Partner");

        var result = Evaluate(IssuingName, s_root, s_issuing, partner);

        Assert.Equal(("False", ClientAuthPolicyReasons.AmbiguousIssuer), (Ready(result).Status, Ready(result).Reason));
        Assert.Contains(IssuingName, Ready(result).Message, StringComparison.Ordinal);
        Assert.Contains("CN=Partner Root,O=Partner", Ready(result).Message, StringComparison.Ordinal);
        Assert.Contains("pathLenConstraint:0", Ready(result).Message, StringComparison.Ordinal);
        Assert.Null(result.Admission);
    }

    [Fact]
    public void A_partner_root_with_path_length_zero_cannot_issue_a_ca_so_the_issuer_stays_bound()
    {
        var partner = TestCertificateAuthority.CreateRoot("CN=Partner Root,O=Partner", pathLength: 0);

        Assert.Equal("True", Ready(Evaluate(IssuingName, s_root, s_issuing, partner)).Status);
    }

    [Fact]
    public void A_partner_root_permitted_only_its_own_subtree_cannot_issue_the_corporate_name()
    {
        var partner = TestCertificateAuthority.CreateRoot("CN=Partner Root,O=Partner", extensions: [NameConstraints("O=Partner", null)]);

        Assert.Equal("True", Ready(Evaluate(IssuingName, s_root, s_issuing, partner)).Status);
    }

    [Fact]
    public void A_partner_root_excluded_from_the_corporate_subtree_cannot_issue_the_corporate_name()
    {
        var partner = TestCertificateAuthority.CreateRoot("CN=Partner Root,O=Partner", extensions: [NameConstraints(null, "O=corp")]);

        Assert.Equal("True", Ready(Evaluate(IssuingName, s_root, s_issuing, partner)).Status);
    }

    [Fact]
    public void A_name_constraint_that_permits_the_corporate_subtree_does_not_help()
    {
        var partner = TestCertificateAuthority.CreateRoot("CN=Partner Root,O=Partner", extensions: [NameConstraints("O=Corp", null)]);

        Assert.Equal(ClientAuthPolicyReasons.AmbiguousIssuer, Ready(Evaluate(IssuingName, s_root, s_issuing, partner)).Reason);
    }

    [Fact]
    public void A_sibling_intermediate_that_can_issue_cas_makes_the_issuer_ambiguous()
    {
        var sibling = s_root.CreateIntermediate("CN=Bind Sub-Root,O=Corp");
        var open = TestCertificateAuthority.CreateRoot("CN=Bind Open Root,O=Corp");
        var openIntermediate = open.CreateIntermediate("CN=Bind Open Issuing,O=Corp");

        Assert.Equal("True", Ready(Evaluate(IssuingName, s_root, s_issuing, sibling)).Status);
        var result = Evaluate(IssuingName, s_root, s_issuing, open, openIntermediate);
        Assert.Equal(ClientAuthPolicyReasons.AmbiguousIssuer, Ready(result).Reason);
        Assert.Contains("CN=Bind Open Root,O=Corp", Ready(result).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_issuer_is_compared_as_openssl_compares_names_and_rendered_as_the_ca_prints_it()
    {
        var result = Evaluate("cn=bind  issuing ca, o=CORP", s_root, s_issuing);

        Assert.Equal(IssuingName, Assert.Single(result.Admission!.Rules).Issuer);
    }

    [Fact]
    public void A_renewed_issuing_ca_under_the_same_root_shares_the_rule()
    {
        var renewed = s_root.CreateIntermediate(IssuingName);

        var result = Evaluate(IssuingName, s_root, s_issuing, renewed);

        Assert.Equal("True", Ready(result).Status);
        Assert.Single(result.Admission!.Rules);
    }

    [Fact]
    public void Two_unrelated_roots_of_the_same_name_are_refused()
    {
        var impostor = TestCertificateAuthority.CreateRoot("CN=Bind Root,O=Corp", pathLength: 0);

        var result = Evaluate("CN=Bind Root,O=Corp", s_root, s_issuing, impostor);

        Assert.Equal(ClientAuthPolicyReasons.AmbiguousIssuer, Ready(result).Reason);
        Assert.Contains("two unrelated CAs", Ready(result).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_root_issuing_clients_directly_binds_when_its_intermediates_cannot_issue_cas()
    {
        Assert.Equal("True", Ready(Evaluate("CN=Bind Root,O=Corp", s_root, s_issuing)).Status);
    }
}
