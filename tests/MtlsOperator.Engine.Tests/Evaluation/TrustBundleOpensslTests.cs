using MtlsOperator.Engine.Evaluation;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.TrustBundles;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>The rendered <c>ca.crt</c> and <c>ca.crl</c> used as OpenSSL-based proxies use them, through <c>openssl verify</c>.</summary>
public sealed class TrustBundleOpensslTests
{
    [SkippableFact]
    public void Openssl_accepts_a_valid_client_and_rejects_a_revoked_one_with_the_rendered_files()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        var root = TestCertificateAuthority.CreateRoot("CN=Verify Root,O=Corp", TestKeyKind.Rsa2048);
        var issuing = root.CreateIntermediate("CN=Verify Issuing,O=Corp");
        var good = issuing.IssueClient("CN=good,O=Corp");
        var revoked = issuing.IssueClient("CN=revoked,O=Corp");
        issuing.Revoke(revoked);
        var output = Evaluate(Bundle([Inline(issuing, root)], [Inline(root.CreateCrlPem()), Inline(issuing.CreateCrlPem())])).Output!;
        using var dir = new TempDirectory();
        dir.Write("ca.crt", output.Data[TrustBundleEvaluator.CaKey]);
        dir.Write("ca.crl", output.Data[TrustBundleEvaluator.CrlKey]);
        dir.Write("good.crt", PemExport.Certificate(good));
        dir.Write("revoked.crt", PemExport.Certificate(revoked));
        string[] verify = ["verify", "-CAfile", "ca.crt", "-CRLfile", "ca.crl", "-crl_check_all", "-purpose", "sslclient"];

        var accepted = OpensslCli.RunText(dir.Directory, [.. verify, "good.crt"]);
        var rejected = Assert.Throws<InvalidOperationException>(() => OpensslCli.RunText(dir.Directory, [.. verify, "revoked.crt"]));

        Assert.EndsWith("good.crt: OK", accepted, StringComparison.Ordinal);
        Assert.Contains("certificate revoked", rejected.Message, StringComparison.Ordinal);
    }
}
