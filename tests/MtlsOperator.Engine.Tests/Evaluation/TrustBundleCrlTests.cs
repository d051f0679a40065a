using System.Security.Cryptography;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.TrustBundles;

namespace MtlsOperator.Engine.Tests.Evaluation;

public sealed class TrustBundleCrlTests
{
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Crl Root,O=Corp");
    private static readonly TestCertificateAuthority s_issuing = s_root.CreateIntermediate("CN=Crl Issuing,O=Corp");

    [Fact]
    public void Crl_is_matched_to_its_issuer_and_written_next_to_the_cas()
    {
        var issuing = s_root.CreateIntermediate("CN=Crl Issuing,O=Corp");
        issuing.Revoke(issuing.IssueClient());

        var result = Evaluate(Bundle([Inline(s_root, issuing)], [Inline(issuing.CreateCrlPem())]));

        var status = Assert.Single(result.Status.Crls);
        Assert.Equal(("CN=Crl Issuing,O=Corp", 1, "spec.crls[0]"), (status.Issuer, status.RevokedCount, status.Source));
        Assert.Equal(result.Anchors!.CrlPem, result.Output!.Data[TrustBundleEvaluator.CrlKey]);
        Assert.Equal(["CN=Crl Root,O=Corp"], result.Anchors.CasWithoutCrl.ToArray());
        Assert.Equal(TrustBundleReasons.Rendered, Ready(result).Reason);
    }

    [Fact]
    public void Der_crl_is_read_and_written_as_pem()
    {
        var secret = new k8s.Models.V1Secret
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "crl", NamespaceProperty = Namespace },
            Data = new Dictionary<string, byte[]> { ["ca.crl"] = s_root.CreateCrl() },
        };

        var result = Evaluate(Bundle([Inline(s_root)], [new DataSource { Secret = new KeyReference { Name = "crl", Key = "ca.crl" } }]), secret);

        Assert.StartsWith("-----BEGIN X509 CRL-----", result.Anchors!.CrlPem, StringComparison.Ordinal);
        Assert.Empty(result.Anchors.CasWithoutCrl);
    }

    [Fact]
    public void Crl_whose_issuer_is_not_in_the_bundle_blocks()
    {
        var stranger = TestCertificateAuthority.CreateRoot("CN=Stranger");

        var result = Evaluate(Bundle([Inline(s_root)], [Inline(stranger.CreateCrlPem())]));

        Assert.Equal(("False", TrustBundleReasons.CrlIssuerNotInBundle), (Ready(result).Status, Ready(result).Reason));
        Assert.Contains("\"CN=Stranger\"", Ready(result).Message);
        Assert.Null(result.Output);
    }

    [Fact]
    public void Crl_signed_by_another_key_of_the_same_name_blocks()
    {
        var impostor = TestCertificateAuthority.CreateRoot("CN=Crl Root,O=Corp");

        var result = Evaluate(Bundle([Inline(s_root)], [Inline(impostor.CreateCrlPem())]));

        Assert.Equal(TrustBundleReasons.CrlSignatureInvalid, Ready(result).Reason);
        Assert.Null(result.Output);
    }

    [Fact]
    public void Crl_with_a_flipped_signature_bit_blocks()
    {
        var der = s_root.CreateCrl();
        der[^3] ^= 0x01;

        var result = Evaluate(Bundle([Inline(s_root)], [Inline(new string(PemEncoding.Write(PemLabels.Crl, der)))]));

        Assert.Equal(TrustBundleReasons.CrlSignatureInvalid, Ready(result).Reason);
    }

    [Fact]
    public void Expired_crl_blocks_and_says_proxies_would_reject_everyone()
    {
        var crl = s_root.CreateCrlPem(thisUpdate: Now.AddDays(-10), nextUpdate: Now.AddDays(-1));

        var result = Evaluate(Bundle([Inline(s_root)], [Inline(crl)]));

        Assert.Equal(("False", TrustBundleReasons.CrlExpired), (Ready(result).Status, Ready(result).Reason));
        Assert.Contains("HAProxy and nginx reject every client certificate", Ready(result).Message);
        Assert.Null(result.Output);
    }

    [Fact]
    public void Crl_dated_in_the_future_blocks()
    {
        var crl = s_root.CreateCrlPem(thisUpdate: Now.AddDays(1), nextUpdate: Now.AddDays(8));

        var result = Evaluate(Bundle([Inline(s_root)], [Inline(crl)]));

        Assert.Equal(TrustBundleReasons.CrlNotYetValid, Ready(result).Reason);
    }

    [Fact]
    public void Garbage_crl_blocks()
    {
        var result = Evaluate(Bundle([Inline(s_root)], [Inline("-----BEGIN X509 CRL-----\nMAMCAQE=\n-----END X509 CRL-----\n")]));

        Assert.Equal(TrustBundleReasons.MalformedCrl, Ready(result).Reason);
    }

    [Fact]
    public void Older_crl_of_the_same_issuer_is_left_out_and_reported()
    {
        var older = s_issuing.CreateCrlPem(thisUpdate: Now.AddDays(-3), nextUpdate: Now.AddDays(4));
        var newer = s_issuing.CreateCrlPem(thisUpdate: Now.AddDays(-1), nextUpdate: Now.AddDays(6));

        var result = Evaluate(Bundle([Inline(s_root, s_issuing)], [Inline(older), Inline(newer)]));

        Assert.Equal("spec.crls[1]", Assert.Single(result.Status.Crls).Source);
        var problem = Assert.Single(result.Status.Problems);
        Assert.Equal((TrustBundleReasons.SupersededCrl, "spec.crls[0]"), (problem.Reason, problem.Entry));
        Assert.Equal(newer, result.Anchors!.CrlPem);
    }

    [Fact]
    public void Repeated_crl_is_kept_once()
    {
        var crl = s_root.CreateCrlPem();

        var result = Evaluate(Bundle([Inline(s_root)], [Inline(crl), Inline(crl)]));

        Assert.Single(result.Status.Crls);
        Assert.Equal(TrustBundleReasons.DuplicateCrl, Assert.Single(result.Status.Problems).Reason);
    }

    [Fact]
    public void Crls_are_written_in_the_order_of_their_issuers()
    {
        var rootCrl = s_root.CreateCrlPem();
        var issuingCrl = s_issuing.CreateCrlPem();

        var result = Evaluate(Bundle([Inline(s_root, s_issuing)], [Inline(issuingCrl), Inline(rootCrl)]));

        Assert.Equal(rootCrl + issuingCrl, result.Anchors!.CrlPem);
    }
}
