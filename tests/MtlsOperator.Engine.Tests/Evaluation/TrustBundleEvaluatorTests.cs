using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.TrustBundles;

namespace MtlsOperator.Engine.Tests.Evaluation;

public sealed class TrustBundleEvaluatorTests
{
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Corp Root,O=Corp");
    private static readonly TestCertificateAuthority s_issuing = s_root.CreateIntermediate("CN=Corp Issuing,O=Corp");

    [Fact]
    public void Root_and_intermediate_are_told_apart_by_the_certificates_themselves()
    {
        var result = Evaluate(Bundle([Inline(s_issuing, s_root)]));

        Assert.Equal([("Root", "CN=Corp Root,O=Corp"), ("Intermediate", "CN=Corp Issuing,O=Corp")],
            result.Status.Certificates.Select(c => (c.Role, c.Subject)));
        Assert.Equal("True", Ready(result).Status);
        Assert.Equal(TrustBundleReasons.Rendered, Ready(result).Reason);
    }

    [Fact]
    public void Output_configmap_holds_the_accepted_cas_roots_first()
    {
        var result = Evaluate(Bundle([Inline(s_issuing), Inline(s_root)]));

        var pem = result.Output!.Data[TrustBundleEvaluator.CaKey];
        var certificates = PemBlock.ReadAll(pem).Select(b => X509CertificateLoader.LoadCertificate(b.Der.Span).Thumbprint);
        Assert.Equal([s_root.Certificate.Thumbprint, s_issuing.Certificate.Thumbprint], certificates);
        Assert.False(result.Output.Data.ContainsKey(TrustBundleEvaluator.CrlKey));
    }

    [Fact]
    public void Output_does_not_change_when_sources_are_reordered()
    {
        var first = Evaluate(Bundle([Inline(s_issuing), Inline(s_root)]));
        var second = Evaluate(Bundle([Inline(s_root, s_issuing)]));

        Assert.Equal(first.Output!.Data[TrustBundleEvaluator.CaKey], second.Output!.Data[TrustBundleEvaluator.CaKey]);
    }

    [Fact]
    public void Output_is_named_after_the_bundle_labelled_and_owned_when_the_bundle_has_a_uid()
    {
        var result = Evaluate(Bundle([Inline(s_root)], uid: "uid-7"));

        var meta = result.Output!.Metadata;
        Assert.Equal(("corp-ca", Namespace), (meta.Name, meta.NamespaceProperty));
        Assert.Equal(OutputMetadata.ManagedByValue, meta.Labels[OutputMetadata.ManagedByLabel]);
        Assert.Equal(TrustBundle.KindName, meta.Labels[OutputMetadata.OwnerKindLabel]);
        Assert.Equal("corp", meta.Labels[OutputMetadata.OwnerNameLabel]);
        Assert.Equal("4", meta.Annotations[OutputMetadata.GenerationAnnotation]);
        var owner = Assert.Single(meta.OwnerReferences);
        Assert.Equal(("uid-7", true, true), (owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal("corp-ca", result.Status.OutputConfigMap);
    }

    [Fact]
    public void Output_has_no_owner_reference_without_a_uid()
    {
        var result = Evaluate(Bundle([Inline(s_root)]));

        Assert.Null(result.Output!.Metadata.OwnerReferences);
    }

    [Fact]
    public void Output_name_comes_from_spec_when_given()
    {
        var bundle = Bundle([Inline(s_root)]);
        bundle.Spec.OutputConfigMapName = "client-cas";

        Assert.Equal("client-cas", Evaluate(bundle).Output!.Metadata.Name);
    }

    [Fact]
    public void Status_lists_fingerprint_expiry_and_source_of_each_certificate()
    {
        var result = Evaluate(Bundle([Inline(s_root), Inline(s_issuing)]));

        var root = result.Status.Certificates[0];
        Assert.Equal(CertificateFingerprints.Of(s_root.Certificate).Sha256, root.Sha256);
        Assert.Equal("spec.sources[0]", root.Source);
        Assert.Equal("CN=Corp Root,O=Corp", root.Issuer);
        Assert.Equal(2, result.Status.CertificateCount);
        Assert.Equal(s_issuing.Certificate.NotAfter.ToUniversalTime(), result.Status.EarliestExpiry);
        Assert.Equal(4, result.Status.ObservedGeneration);
    }

    [Fact]
    public void Anchors_carry_the_bundle_pem_and_subjects_in_rfc4514_form()
    {
        var result = Evaluate(Bundle([Inline(s_issuing, s_root)]));

        Assert.Equal(result.Output!.Data[TrustBundleEvaluator.CaKey], result.Anchors!.CaBundlePem);
        Assert.Equal(["CN=Corp Root,O=Corp", "CN=Corp Issuing,O=Corp"], result.Anchors.CaSubjects.ToArray());
        Assert.Equal(result.Anchors.CaSubjects.ToArray(), result.Anchors.CasWithoutCrl.ToArray());
        Assert.Null(result.Anchors.CrlPem);
    }

    [Fact]
    public void Der_certificate_source_is_read()
    {
        var secret = new k8s.Models.V1Secret
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "root-der", NamespaceProperty = Namespace },
            Data = new Dictionary<string, byte[]> { ["ca.der"] = s_root.Certificate.RawData },
        };

        var result = Evaluate(Bundle([new DataSource { Secret = new KeyReference { Name = "root-der", Key = "ca.der" } }]), secret);

        Assert.Equal("Root", Assert.Single(result.Status.Certificates).Role);
    }

    [Fact]
    public void Non_ca_certificate_is_left_out_and_named()
    {
        var leaf = s_issuing.IssueClient("CN=someone,O=Corp");

        var result = Evaluate(Bundle([Inline(s_root), Inline(PemExport.Certificate(leaf))]));

        var problem = Assert.Single(result.Status.Problems);
        Assert.Equal((TrustBundleReasons.NotACertificateAuthority, "spec.sources[1]"), (problem.Reason, problem.Entry));
        Assert.Contains("\"CN=someone,O=Corp\"", problem.Message);
        Assert.Equal(1, result.Status.CertificateCount);
        Assert.Equal(("True", TrustBundleReasons.RenderedWithProblems), (Ready(result).Status, Ready(result).Reason));
    }

    [Fact]
    public void Intermediate_whose_issuer_is_missing_is_flagged()
    {
        var result = Evaluate(Bundle([Inline(s_issuing)]));

        var problem = Assert.Single(result.Status.Problems);
        Assert.Equal(TrustBundleReasons.IntermediateWithoutRoot, problem.Reason);
        Assert.Contains("issued by \"CN=Corp Root,O=Corp\", which is not in the bundle", problem.Message);
        Assert.Equal("True", Ready(result).Status);
    }

    [Fact]
    public void Intermediate_signed_by_another_key_of_the_same_name_is_flagged()
    {
        var impostor = TestCertificateAuthority.CreateRoot("CN=Corp Root,O=Corp");

        var result = Evaluate(Bundle([Inline(impostor, s_issuing)]));

        Assert.Equal(TrustBundleReasons.IntermediateWithoutRoot, Assert.Single(result.Status.Problems).Reason);
    }

    [Fact]
    public void Intermediate_two_levels_below_a_missing_root_is_flagged_at_each_level()
    {
        var lower = s_issuing.CreateIntermediate("CN=Corp Team CA,O=Corp");

        var result = Evaluate(Bundle([Inline(lower, s_issuing)]));

        Assert.Equal(2, result.Status.Problems.Count(p => p.Reason == TrustBundleReasons.IntermediateWithoutRoot));
        Assert.Contains(result.Status.Problems, p => p.Message.Contains("chains to \"CN=Corp Issuing,O=Corp\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicate_certificate_is_kept_once_and_reported()
    {
        var result = Evaluate(Bundle([Inline(s_root), Inline(s_root, s_issuing)]));

        Assert.Equal(2, result.Status.CertificateCount);
        var problem = Assert.Single(result.Status.Problems);
        Assert.Equal((TrustBundleReasons.DuplicateCertificate, "spec.sources[1]"), (problem.Reason, problem.Entry));
        Assert.Contains("spec.sources[0]", problem.Message);
    }

    [Fact]
    public void Expired_ca_is_flagged_but_kept()
    {
        var expired = TestCertificateAuthority.CreateRoot("CN=Old Root", notBefore: Now.AddYears(-3), notAfter: Now.AddDays(-1));

        var result = Evaluate(Bundle([Inline(s_root, expired)]));

        var problem = Assert.Single(result.Status.Problems);
        Assert.Equal(TrustBundleReasons.Expired, problem.Reason);
        Assert.Contains("\"CN=Old Root\"", problem.Message);
        Assert.Equal(2, result.Status.CertificateCount);
    }

    [Fact]
    public void Not_yet_valid_ca_is_flagged()
    {
        var future = TestCertificateAuthority.CreateRoot("CN=Future Root", notBefore: Now.AddDays(2), notAfter: Now.AddYears(2));

        var result = Evaluate(Bundle([Inline(s_root, future)]));

        Assert.Equal(TrustBundleReasons.NotYetValid, Assert.Single(result.Status.Problems).Reason);
    }

    [Fact]
    public void Bundle_of_only_expired_cas_is_not_ready()
    {
        var expired = TestCertificateAuthority.CreateRoot("CN=Old Root", notBefore: Now.AddYears(-3), notAfter: Now.AddDays(-1));

        var result = Evaluate(Bundle([Inline(expired)]));

        Assert.Equal(("False", TrustBundleReasons.NoUsableCertificateAuthority), (Ready(result).Status, Ready(result).Reason));
        Assert.Null(result.Output);
        Assert.Null(result.Anchors);
    }

    [Fact]
    public void Bundle_of_only_leaf_certificates_is_not_ready()
    {
        var result = Evaluate(Bundle([Inline(PemExport.Certificate(s_root.IssueClient()))]));

        Assert.Equal(TrustBundleReasons.NoUsableCertificateAuthority, Ready(result).Reason);
        Assert.Null(result.Output);
    }

    [Fact]
    public void Malformed_pem_blocks_the_bundle()
    {
        var broken = PemExport.Certificate(s_root.Certificate).Replace("-----END CERTIFICATE-----", "", StringComparison.Ordinal);

        var result = Evaluate(Bundle([Inline(s_issuing), Inline(broken)]));

        Assert.Equal(("False", TrustBundleReasons.MalformedCertificate), (Ready(result).Status, Ready(result).Reason));
        Assert.Contains("spec.sources[1]", Ready(result).Message);
        Assert.Null(result.Output);
    }

    [Fact]
    public void Certificate_block_that_is_not_a_certificate_blocks_the_bundle()
    {
        var result = Evaluate(Bundle([Inline("-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n")]));

        Assert.Equal(TrustBundleReasons.MalformedCertificate, Ready(result).Reason);
    }

    [Fact]
    public void Empty_sources_are_not_ready()
    {
        var result = Evaluate(Bundle([]));

        Assert.Equal(TrustBundleReasons.NoSources, Ready(result).Reason);
    }

    [Fact]
    public void Missing_secret_blocks_and_the_message_says_which_configmap_stays()
    {
        var bundle = Bundle([new DataSource { Secret = new KeyReference { Name = "gone", Key = "ca.crt" } }]);
        var live = new k8s.Models.V1ConfigMap { Metadata = OutputOwnership.MetadataFor("corp-ca", bundle) };
        live.Metadata.Annotations[OutputMetadata.GenerationAnnotation] = "3";

        var result = Evaluate(bundle, live);

        Assert.Equal(("False", DataSourceReasons.SourceNotFound), (Ready(result).Status, Ready(result).Reason));
        Assert.Contains("keeps the content of generation 3", Ready(result).Message);
        Assert.Null(result.Output);
    }

    [Fact]
    public void Private_key_in_a_source_is_reported_and_never_copied()
    {
        var withKey = PemExport.Certificate(s_root.Certificate) + PemExport.PrivateKey(s_root.Certificate);

        var result = Evaluate(Bundle([Inline(withKey)]));

        Assert.Equal(TrustBundleReasons.PrivateKeyInSource, Assert.Single(result.Status.Problems).Reason);
        Assert.DoesNotContain("PRIVATE KEY-----", result.Output!.Data[TrustBundleEvaluator.CaKey], StringComparison.Ordinal);
        Assert.DoesNotContain(result.Status.Problems, p => p.Message.Contains("-----BEGIN", StringComparison.Ordinal));
    }

    [Fact]
    public void Ready_condition_keeps_its_transition_time_when_unchanged()
    {
        var bundle = Bundle([Inline(s_root)]);
        var earlier = DateTime.SpecifyKind(new DateTime(2026, 1, 1), DateTimeKind.Utc);
        bundle.Status = new TrustBundleStatus
        {
            Conditions = [new k8s.Models.V1Condition { Type = ConditionTypes.Ready, Status = "True", LastTransitionTime = earlier }],
        };

        var result = Evaluate(bundle);

        Assert.Equal(earlier, Ready(result).LastTransitionTime);
        Assert.Equal(4, Ready(result).ObservedGeneration);
    }
}
