using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

/// <summary>Whether a bundle's CRLs could revoke one of its CAs, which decides if checking the client alone is enough.</summary>
public sealed class CrlScopeTests
{
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Scope Root,O=Test");
    private static readonly TestCertificateAuthority s_issuing = s_root.CreateIntermediate("CN=Scope Issuing,O=Test");

    private static string Bundle(params TestCertificateAuthority[] cas) => PemExport.Certificates(cas.Select(c => c.Certificate));

    [Fact]
    public void Crl_of_the_issuing_ca_below_a_root_without_crl_revokes_only_leaves()
    {
        Assert.True(CrlScope.RevokesOnlyLeaves(Bundle(s_root, s_issuing), s_issuing.CreateCrlPem()));
    }

    [Fact]
    public void Crl_of_a_root_that_issued_a_bundle_intermediate_can_revoke_a_ca()
    {
        Assert.False(CrlScope.RevokesOnlyLeaves(Bundle(s_root, s_issuing), s_root.CreateCrlPem() + s_issuing.CreateCrlPem()));
    }

    [Fact]
    public void Crl_of_a_lone_root_issuing_clients_directly_revokes_only_leaves()
    {
        Assert.True(CrlScope.RevokesOnlyLeaves(Bundle(s_root), s_root.CreateCrlPem()));
    }

    [Fact]
    public void Crl_of_a_ca_outside_the_bundle_that_issued_a_bundle_intermediate_can_revoke_it()
    {
        Assert.False(CrlScope.RevokesOnlyLeaves(Bundle(s_issuing), s_root.CreateCrlPem()));
    }

    [Fact]
    public void Unreadable_crl_gives_the_safe_answer()
    {
        const string garbage = "-----BEGIN X509 CRL-----\nMAMCAQE=\n-----END X509 CRL-----\n";

        Assert.False(CrlScope.RevokesOnlyLeaves(Bundle(s_root, s_issuing), garbage));
    }
}
