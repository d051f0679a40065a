using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>Every certificate the proxy tests use, generated once per test run. Client certificates that must be refused for
/// one reason only (revoked, expired, other CA) are otherwise admissible: pinned, or matching the rules.</summary>
public sealed class ProxyPki
{
    private static readonly Lazy<ProxyPki> s_instance = new(() => new ProxyPki());

    private ProxyPki()
    {
        ServerRoot = TestCertificateAuthority.CreateRoot("CN=Proxy Test Server Root,O=Test");
        ServerIssuing = ServerRoot.CreateIntermediate("CN=Proxy Test Server CA,O=Test");
        DefaultServer = ServerIssuing.IssueServer("api.test");
        ExactServer = ServerIssuing.IssueServer("exact.test");
        WildcardServer = ServerIssuing.IssueServer("*.tenants.test");
        RenewedServer = ServerIssuing.IssueServer("api.test");

        ClientRoot = TestCertificateAuthority.CreateRoot("CN=Corp Root,O=Corp");
        ClientIssuing = ClientRoot.CreateIntermediate("CN=Corp Issuing CA,O=Corp");
        Pinned = ClientIssuing.IssueClient("CN=agent,O=Corp");
        SecondPinned = ClientIssuing.IssueClient("CN=agent-2,O=Corp");
        SecondPinnedRenewed = ClientIssuing.Renew(SecondPinned);
        Sha256Pinned = ClientIssuing.IssueClient("CN=agent-sha256,O=Corp");
        Unpinned = ClientIssuing.IssueClient("CN=intruder,O=Corp");
        Revoked = ClientIssuing.IssueClient("CN=svc-revoked,OU=Partners,O=Corp");
        Expired = ClientIssuing.IssueClient("CN=svc-expired,OU=Partners,O=Corp", new LeafOptions
        {
            NotBefore = DateTimeOffset.UtcNow.AddDays(-30),
            NotAfter = DateTimeOffset.UtcNow.AddDays(-1),
        });
        ClientIssuing.Revoke(Revoked);
        Partner = ClientIssuing.IssueClient("CN=svc-billing,OU=Partners,O=Corp");
        Staff = ClientIssuing.IssueClient("CN=svc-billing,OU=Staff,O=Corp");
        var tricky = new X500DistinguishedNameBuilder();
        tricky.AddOrganizationName("Corp");
        tricky.AddCommonName("O'Brien, \"Ltd\" #1 ünï");
        Tricky = ClientIssuing.Issue(tricky.Build(), new LeafOptions(), TestCertificateAuthority.ClientAuthOid);
        var crossing = new X500DistinguishedNameBuilder();
        crossing.AddOrganizationName("Corp");
        crossing.AddCommonName("x,OU=Partners");
        ValueCrossing = ClientIssuing.Issue(crossing.Build(), new LeafOptions(), TestCertificateAuthority.ClientAuthOid);
        RootIssued = ClientRoot.IssueClient("CN=svc-root,OU=Partners,O=Corp");
        LiteralStars = [.. LiteralStarUnits.Select(ou => ClientIssuing.IssueClient($"CN=*,OU={ou},O=Corp"))];
        NotAStar = [.. LiteralStarUnits.Select(ou => ClientIssuing.IssueClient($"CN=alice,OU={ou},O=Corp"))];

        OtherRoot = TestCertificateAuthority.CreateRoot("CN=Other Root,O=Other");
        OtherCaPartner = OtherRoot.IssueClient("CN=svc-billing,OU=Partners,O=Corp");
    }

    public static ProxyPki Instance => s_instance.Value;

    public TestCertificateAuthority ServerRoot { get; }
    public TestCertificateAuthority ServerIssuing { get; }
    public X509Certificate2 DefaultServer { get; }
    public X509Certificate2 ExactServer { get; }
    public X509Certificate2 WildcardServer { get; }

    /// <summary>Same name as <see cref="DefaultServer"/>, another certificate: what cert-manager renews to.</summary>
    public X509Certificate2 RenewedServer { get; }

    public TestCertificateAuthority ClientRoot { get; }
    public TestCertificateAuthority ClientIssuing { get; }
    public X509Certificate2 Pinned { get; }
    public X509Certificate2 SecondPinned { get; }

    /// <summary><see cref="SecondPinned"/> renewed with the same key (same SPKI, another certificate).</summary>
    public X509Certificate2 SecondPinnedRenewed { get; }
    public X509Certificate2 Sha256Pinned { get; }
    public X509Certificate2 Unpinned { get; }

    /// <summary>Pinned and matching the partner rule, but revoked by the issuing CA's CRL.</summary>
    public X509Certificate2 Revoked { get; }

    /// <summary>Pinned and matching the partner rule, but expired.</summary>
    public X509Certificate2 Expired { get; }

    /// <summary>Matches the partner rule (<c>CN=*,OU=Partners,O=Corp</c> issued by the Corp Issuing CA).</summary>
    public X509Certificate2 Partner { get; }

    /// <summary>Same CA, subject outside the partner rule.</summary>
    public X509Certificate2 Staff { get; }

    /// <summary>CN <c>O'Brien, "Ltd" #1 ünï</c>: every character OpenSSL escapes or hex-encodes.</summary>
    public X509Certificate2 Tricky { get; }

    /// <summary>One CN <c>x,OU=Partners</c> under <c>O=Corp</c>: printed <c>CN=x\,OU=Partners,O=Corp</c>, which a naive
    /// <c>[^,]*</c> wildcard would read as the partner rule.</summary>
    public X509Certificate2 ValueCrossing { get; }

    /// <summary>Issued by the Corp root itself, which has no CRL in the HAProxy ca-ignore-err scenario.</summary>
    public X509Certificate2 RootIssued { get; }

    /// <summary>One OU per way of writing a literal asterisk in a rule: <c>\*</c>, <c>\2A</c>, <c>"*"</c>.</summary>
    public static readonly string[] LiteralStarUnits = ["Star1", "Star2", "Star3"];

    /// <summary>Per <see cref="LiteralStarUnits"/>: a client whose CN is a literal <c>*</c>.</summary>
    public IReadOnlyList<X509Certificate2> LiteralStars { get; }

    /// <summary>Per <see cref="LiteralStarUnits"/>: <c>CN=alice</c>, which a literal-asterisk rule must not admit.</summary>
    public IReadOnlyList<X509Certificate2> NotAStar { get; }

    public TestCertificateAuthority OtherRoot { get; }

    /// <summary>Partner subject, pinnable, but from a CA outside the bundle.</summary>
    public X509Certificate2 OtherCaPartner { get; }

    /// <summary>The client CA bundle (root and issuing CA).</summary>
    public string ClientBundlePem => PemExport.Certificates([ClientRoot.Certificate, ClientIssuing.Certificate]);

    /// <summary>CRLs of both client CAs (the root's is empty): what nginx and HAProxy need to check every CA of a chain.</summary>
    public string AllCrlsPem => ClientIssuing.CreateCrlPem() + ClientRoot.CreateCrlPem();

    /// <summary>Leaf plus issuing CA, as a Secret's <c>tls.crt</c> holds it.</summary>
    public string ServerChainPem(X509Certificate2 leaf) => PemExport.Certificates([leaf, ServerIssuing.Certificate]);

    public static string Sha1Of(X509Certificate2 certificate) => CertificateFingerprints.Of(certificate).Sha1;

    public static string Sha256Of(X509Certificate2 certificate) => CertificateFingerprints.Of(certificate).Sha256;

    /// <summary>The RFC 2253 subject exactly as the proxies print it.</summary>
    public static string SubjectOf(X509Certificate2 certificate) => DistinguishedName.Format(certificate.SubjectName);
}
