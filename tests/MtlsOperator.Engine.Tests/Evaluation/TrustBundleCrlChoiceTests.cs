using System.Numerics;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.TrustBundles;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>Several CRLs of one CA: which one is rendered, and when the bundle is refused instead (delta CRLs, CRLs nothing orders,
/// CRLs OpenSSL cannot use).</summary>
public sealed class TrustBundleCrlChoiceTests
{
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Choice Root,O=Corp");
    private static readonly System.Security.Cryptography.X509Certificates.X509Certificate2 s_inBase = s_root.IssueClient("CN=revoked-in-base");
    private static readonly System.Security.Cryptography.X509Certificates.X509Certificate2 s_inDelta = s_root.IssueClient("CN=revoked-in-delta");
    private static readonly DateTimeOffset s_second = DateTimeOffset.FromUnixTimeSeconds(Now.AddHours(-1).ToUnixTimeSeconds());

    private static string Crl(BigInteger? number, params System.Security.Cryptography.X509Certificates.X509Certificate2[] revoked) =>
        HandBuiltCrl.BuildPem(s_root, new CrlContents { Number = number, ThisUpdate = s_second, Revoked = revoked });

    private static string Delta(BigInteger number, BigInteger deltaBase, params System.Security.Cryptography.X509Certificates.X509Certificate2[] revoked) =>
        HandBuiltCrl.BuildPem(s_root, new CrlContents { Number = number, DeltaBase = deltaBase, ThisUpdate = s_second.AddMinutes(30), Revoked = revoked });

    private static TrustBundleEvaluation EvaluateCrls(params string[] crls) => Evaluate(Bundle([Inline(s_root)], crls.Select(Inline)));

    /// <summary>For CRLs openssl dates now, after the shared test clock.</summary>
    private static TrustBundleEvaluation EvaluateNow(params string[] crls) =>
        new TrustBundleEvaluator().Evaluate(Bundle([Inline(s_root)], crls.Select(Inline)), new EvaluationContext(ResourceSnapshot.Of([]), DateTimeOffset.UtcNow.AddSeconds(1)));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Delta_that_revokes_more_than_its_base_refuses_the_bundle_and_says_what_to_do(bool deltaFirst)
    {
        string[] crls = [Crl(1, s_inBase), Delta(2, 1, s_inDelta)];

        var result = EvaluateCrls(deltaFirst ? [crls[1], crls[0]] : crls);

        Assert.Equal(("False", TrustBundleReasons.DeltaCrlNotEnforceable), (Ready(result).Status, Ready(result).Reason));
        Assert.Contains("cannot apply delta CRLs", Ready(result).Message, StringComparison.Ordinal);
        Assert.Contains("Give only complete CRLs", Ready(result).Message, StringComparison.Ordinal);
        Assert.Null(result.Output);
        Assert.Null(result.Anchors);
    }

    [Fact]
    public void Dependent_policy_is_not_ready_and_names_the_delta_reason()
    {
        var bundle = Bundle([Inline(s_root)], [Inline(Crl(1, s_inBase)), Inline(Delta(2, 1, s_inDelta))]);
        var policy = new ClientAuthPolicy
        {
            Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = Namespace, Generation = 1 },
            Spec = new ClientAuthPolicySpec { TrustBundleRef = new ObjectReference { Name = bundle.Metadata.Name }, Pins = [new PinSpec { Sha1 = new string('a', 40) }] },
        };

        var result = new ClientAuthPolicyEvaluator().Evaluate(policy, Context(bundle));

        var ready = result.Status.Conditions.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Equal(("False", ClientAuthPolicyReasons.TrustBundleNotReady), (ready.Status, ready.Reason));
        Assert.Contains(TrustBundleReasons.DeltaCrlNotEnforceable, ready.Message, StringComparison.Ordinal);
        Assert.Null(result.Admission);
    }

    [Fact]
    public void Delta_that_only_repeats_the_base_is_left_out_and_only_the_base_is_rendered()
    {
        var complete = Crl(1, s_inBase);

        var result = EvaluateCrls(Delta(2, 1, s_inBase), complete);

        Assert.Equal(complete, result.Anchors!.CrlPem);
        Assert.Equal(TrustBundleReasons.DeltaCrlChangesNothing, Assert.Single(result.Status.Problems).Reason);
        Assert.Equal(TrustBundleReasons.RenderedWithProblems, Ready(result).Reason);
    }

    [Fact]
    public void Empty_delta_is_left_out()
    {
        var complete = Crl(4, s_inBase);

        var result = EvaluateCrls(complete, Delta(5, 4));

        Assert.Equal(complete, result.Anchors!.CrlPem);
        Assert.Equal("spec.crls[1]", Assert.Single(result.Status.Problems).Entry);
    }

    [Fact]
    public void Delta_older_than_the_complete_crl_is_included_in_it()
    {
        var complete = Crl(7, s_inBase);

        var result = EvaluateCrls(Delta(6, 5, s_inDelta), complete);

        Assert.Equal(complete, result.Anchors!.CrlPem);
        Assert.Equal(TrustBundleReasons.DeltaCrlIncluded, Assert.Single(result.Status.Problems).Reason);
    }

    [Fact]
    public void Delta_alone_is_refused()
    {
        var result = EvaluateCrls(Delta(2, 1, s_inDelta));

        Assert.Equal(TrustBundleReasons.DeltaCrlWithoutBase, Ready(result).Reason);
        Assert.Null(result.Output);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Higher_crl_number_wins_in_the_same_second_and_status_shows_the_numbers(bool higherFirst)
    {
        var one = Crl(1);
        var two = Crl(2, s_inBase);

        var result = EvaluateCrls(higherFirst ? [two, one] : [one, two]);

        Assert.Equal(two, result.Anchors!.CrlPem);
        Assert.Equal(two, result.Output!.Data[TrustBundleEvaluator.CrlKey]);
        Assert.Equal(("2", 1), (Assert.Single(result.Status.Crls).CrlNumber, result.Status.Crls[0].RevokedCount));
        var problem = Assert.Single(result.Status.Problems);
        Assert.Equal((TrustBundleReasons.SupersededCrl, higherFirst ? "spec.crls[1]" : "spec.crls[0]"), (problem.Reason, problem.Entry));
        Assert.Contains("CRL Number 1", problem.Message, StringComparison.Ordinal);
        Assert.Contains("CRL Number 2", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(3)]
    public void Different_crls_nothing_orders_are_refused_naming_both(int? number)
    {
        BigInteger? n = number is { } v ? v : null;

        var result = EvaluateCrls(Crl(n), Crl(n, s_inBase));

        Assert.Equal(("False", TrustBundleReasons.AmbiguousCrls), (Ready(result).Status, Ready(result).Reason));
        Assert.Contains("spec.crls[0]", Ready(result).Message, StringComparison.Ordinal);
        Assert.Contains("spec.crls[1]", Ready(result).Message, StringComparison.Ordinal);
        Assert.Null(result.Output);
    }

    [Fact]
    public void Superseded_crl_that_has_expired_does_not_block()
    {
        var old = HandBuiltCrl.BuildPem(s_root, new CrlContents { Number = 1, ThisUpdate = Now.AddDays(-20), NextUpdate = Now.AddDays(-13) });
        var current = Crl(2);

        var result = EvaluateCrls(old, current);

        Assert.Equal(current, result.Anchors!.CrlPem);
        Assert.Equal(TrustBundleReasons.SupersededCrl, Assert.Single(result.Status.Problems).Reason);
    }

    [Fact]
    public void Ready_message_with_problems_does_not_claim_they_can_only_reject_clients()
    {
        var result = EvaluateCrls(Crl(1), Crl(2));

        Assert.DoesNotContain("can only", Ready(result).Message, StringComparison.Ordinal);
        Assert.Contains("left out", Ready(result).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Crl_with_an_unknown_critical_extension_is_refused_naming_it()
    {
        var result = EvaluateCrls(HandBuiltCrl.BuildPem(s_root, new CrlContents { Number = 1, Extensions = [RawExtension.Unknown(critical: true)] }));

        Assert.Equal(("False", TrustBundleReasons.CrlUnhandledCriticalExtension), (Ready(result).Status, Ready(result).Reason));
        Assert.Contains("1.3.6.1.4.1.55555.1", Ready(result).Message, StringComparison.Ordinal);
        Assert.Contains("reject every client", Ready(result).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Crl_with_a_critical_entry_extension_is_refused()
    {
        var result = EvaluateCrls(HandBuiltCrl.BuildPem(s_root, new CrlContents
        {
            Revoked = [s_inBase],
            EntryExtensions = [RawExtension.Unknown(critical: true)],
        }));

        Assert.Equal(TrustBundleReasons.CrlUnhandledCriticalExtension, Ready(result).Reason);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Crl_with_an_issuing_distribution_point_is_refused(bool uri, bool onlyUsers)
    {
        var result = EvaluateCrls(HandBuiltCrl.BuildPem(s_root, new CrlContents
        {
            Extensions = [RawExtension.IssuingDistributionPoint(uri ? "http://crl.example/a.crl" : null, onlyUsers)],
        }));

        Assert.Equal(("False", TrustBundleReasons.CrlIssuingDistributionPoint), (Ready(result).Status, Ready(result).Reason));
        Assert.Contains("without an Issuing Distribution Point", Ready(result).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Crl_whose_authority_key_identifier_is_not_the_cas_is_refused()
    {
        var result = EvaluateCrls(HandBuiltCrl.BuildPem(s_root, new CrlContents { Number = 1, AuthorityKeyId = [9, 9, 9] }));

        Assert.Equal(("False", TrustBundleReasons.CrlAuthorityKeyMismatch), (Ready(result).Status, Ready(result).Reason));
        Assert.Contains("090909", Ready(result).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Crl_with_an_indirect_entry_is_refused()
    {
        var result = EvaluateCrls(HandBuiltCrl.BuildPem(s_root, new CrlContents
        {
            Revoked = [s_inBase],
            EntryExtensions = [new RawExtension("2.5.29.29", true, [0x30, 0x00])],
        }));

        Assert.Equal(TrustBundleReasons.CrlIndirect, Ready(result).Reason);
    }

    [Fact]
    public void Unknown_non_critical_extension_is_rendered()
    {
        var crl = HandBuiltCrl.BuildPem(s_root, new CrlContents { Extensions = [RawExtension.Unknown(critical: false)] });

        Assert.Equal(crl, EvaluateCrls(crl).Anchors!.CrlPem);
    }

    [SkippableFact]
    public void Base_and_delta_made_by_openssl_ca_are_refused()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        using var ca = new OpensslCa(s_root);
        ca.Revoke(s_inBase);
        var complete = ca.GenerateCrl();
        ca.Revoke(s_inDelta);
        var delta = ca.GenerateCrl("2.5.29.27 = critical, ASN1:INTEGER:1");

        var result = EvaluateNow(delta, complete);

        Assert.Equal(TrustBundleReasons.DeltaCrlNotEnforceable, Ready(result).Reason);
    }

    [SkippableFact]
    public void Of_two_crls_openssl_ca_made_in_one_second_the_later_number_is_rendered()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        using var ca = new OpensslCa(s_root);
        ca.SetNextNumber(0x10);
        var first = ca.GenerateCrl();
        ca.Revoke(s_inBase);
        var second = ca.GenerateCrl();

        var result = EvaluateNow(second, first);

        Assert.Equal(Normalize(second), result.Anchors!.CrlPem);
        Assert.Equal("17", Assert.Single(result.Status.Crls).CrlNumber);
    }

    [SkippableFact]
    public void Crls_made_by_openssl_ca_with_a_distribution_point_or_an_unknown_critical_extension_are_refused()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        using var ca = new OpensslCa(s_root);

        var idp = EvaluateNow(ca.GenerateCrl("issuingDistributionPoint = critical, @idp", "[ idp ]", "fullname = URI:http://crl.example/root.crl"));
        var unknown = EvaluateNow(ca.GenerateCrl("1.3.6.1.4.1.55555.9 = critical, ASN1:NULL"));

        Assert.Equal(TrustBundleReasons.CrlIssuingDistributionPoint, Ready(idp).Reason);
        Assert.Equal(TrustBundleReasons.CrlUnhandledCriticalExtension, Ready(unknown).Reason);
    }

    // The bundle re-emits each CRL as PEM from its DER: compare in that form.
    private static string Normalize(string pem) =>
        CertificateRevocationList.Parse(PemOrDer.Read(System.Text.Encoding.ASCII.GetBytes(pem), PemLabels.Crl).Objects[0]).ToPem();
}
