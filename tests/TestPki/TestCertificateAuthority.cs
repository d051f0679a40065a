using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TestPki;

/// <summary>Key types tests generate.</summary>
public enum TestKeyKind
{
    EcdsaP256,
    EcdsaP384,
    Rsa2048,

    /// <summary>Too small for OpenSSL 3's default security level: a proxy refuses to serve it ("ee key too small").</summary>
    Rsa1024,
}

/// <summary>Knobs for one issued certificate; defaults give a valid one-year certificate with a P-256 key.</summary>
public sealed record LeafOptions
{
    public TestKeyKind Key { get; init; } = TestKeyKind.EcdsaP256;
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? NotAfter { get; init; }
    public IReadOnlyList<string> DnsNames { get; init; } = [];
    public IReadOnlyList<Uri> Uris { get; init; } = [];
    /// <summary>Null: the usual usage for the purpose. Set to override (e.g. without DigitalSignature).</summary>
    public X509KeyUsageFlags? KeyUsage { get; init; }
    /// <summary>Null: the usual EKU for the purpose. Empty: no EKU extension at all.</summary>
    public IReadOnlyList<string>? ExtendedKeyUsages { get; init; }
    /// <summary>Certify this certificate's key pair (it must carry its private key) instead of a new one: a renewal keeping its key.</summary>
    public X509Certificate2? KeyOf { get; init; }
}

/// <summary>A CA that issues real certificates and CRLs for tests. Certificates carry their private keys.</summary>
public sealed class TestCertificateAuthority
{
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private static long s_serial = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
    private readonly List<X509Certificate2> _revoked = [];

    private TestCertificateAuthority(X509Certificate2 certificate, TestCertificateAuthority? parent)
    {
        Certificate = certificate;
        Parent = parent;
    }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The issuing CA, or null for a root.</summary>
    public TestCertificateAuthority? Parent { get; }

    /// <summary>This CA's certificate followed by its parents', up to and including the root.</summary>
    public IReadOnlyList<X509Certificate2> ChainToRoot =>
        Parent is null ? [Certificate] : [Certificate, .. Parent.ChainToRoot];

    /// <param name="pathLength">basicConstraints pathLenConstraint; null: none.</param>
    /// <param name="extensions">More extensions, e.g. name constraints.</param>
    public static TestCertificateAuthority CreateRoot(string subject = "CN=Test Root CA,O=Test", TestKeyKind key = TestKeyKind.EcdsaP256,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, int? pathLength = null, IEnumerable<X509Extension>? extensions = null)
    {
        using var k = CreateKey(key);
        var req = CreateRequest(subject, k);
        AddCaExtensions(req, pathLength);
        foreach (var extension in extensions ?? [])
        {
            req.CertificateExtensions.Add(extension);
        }

        var nb = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        var na = notAfter ?? DateTimeOffset.UtcNow.AddYears(10);
        var cert = req.CreateSelfSigned(nb, na);
        return new TestCertificateAuthority(cert, null);
    }

    /// <summary>An intermediate CA signed by this one.</summary>
    /// <param name="extensions">More extensions, e.g. CRL Distribution Points.</param>
    public TestCertificateAuthority CreateIntermediate(string subject = "CN=Test Intermediate CA,O=Test", TestKeyKind key = TestKeyKind.EcdsaP256,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, IEnumerable<X509Extension>? extensions = null)
    {
        using var k = CreateKey(key);
        var req = CreateRequest(subject, k);
        AddCaExtensions(req, pathLength: 0);
        foreach (var extension in extensions ?? [])
        {
            req.CertificateExtensions.Add(extension);
        }

        var cert = Sign(req, k, notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddYears(5));
        return new TestCertificateAuthority(cert, this);
    }

    /// <summary>A TLS server certificate for the given DNS names (CN is the first name).</summary>
    public X509Certificate2 IssueServer(params string[] dnsNames) => IssueServer(new LeafOptions { DnsNames = dnsNames });

    public X509Certificate2 IssueServer(LeafOptions options) =>
        Issue("CN=" + (options.DnsNames.Count > 0 ? options.DnsNames[0] : "server"), options, ServerAuthOid);

    /// <summary>A TLS client certificate with the given subject DN.</summary>
    public X509Certificate2 IssueClient(string subject = "CN=client,O=Test", LeafOptions? options = null) =>
        Issue(subject, options ?? new LeafOptions(), ClientAuthOid);

    /// <summary>Issues an end-entity certificate with full control over its extensions.</summary>
    public X509Certificate2 Issue(string subject, LeafOptions options, string defaultEku) =>
        Issue(new X500DistinguishedName(subject), options, defaultEku);

    /// <summary>Issues an end-entity certificate whose subject is built exactly (e.g. with <see cref="X500DistinguishedNameBuilder"/>),
    /// for names with characters the string parser would read differently.</summary>
    public X509Certificate2 Issue(X500DistinguishedName subject, LeafOptions options, string defaultEku)
    {
        using var k = options.KeyOf is { } previous
            ? (IDisposable?)previous.GetECDsaPrivateKey() ?? previous.GetRSAPrivateKey() ?? throw new InvalidOperationException("KeyOf has no private key")
            : CreateKey(options.Key);
        var req = CreateRequest(subject, k);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var ku = options.KeyUsage ?? (X509KeyUsageFlags.DigitalSignature |
            (options.Key is TestKeyKind.Rsa2048 or TestKeyKind.Rsa1024 ? X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.KeyAgreement));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(ku, true));
        var ekus = options.ExtendedKeyUsages ?? [defaultEku];
        if (ekus.Count > 0)
        {
            var oids = new OidCollection();
            foreach (var e in ekus)
            {
                oids.Add(new Oid(e));
            }

            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        }

        if (options.DnsNames.Count > 0 || options.Uris.Count > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var d in options.DnsNames)
            {
                san.AddDnsName(d);
            }

            foreach (var u in options.Uris)
            {
                san.AddUri(u);
            }

            req.CertificateExtensions.Add(san.Build());
        }

        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        return Sign(req, k, options.NotBefore ?? DateTimeOffset.UtcNow.AddDays(-1), options.NotAfter ?? DateTimeOffset.UtcNow.AddDays(365));
    }

    /// <summary>A renewal of <paramref name="certificate"/>: same subject and key, new serial and validity.</summary>
    public X509Certificate2 Renew(X509Certificate2 certificate, string defaultEku = ClientAuthOid) =>
        Issue(certificate.SubjectName, new LeafOptions { KeyOf = certificate }, defaultEku);

    /// <summary>Marks a certificate this CA issued as revoked in the next CRL.</summary>
    public void Revoke(X509Certificate2 certificate) => _revoked.Add(certificate);

    /// <summary>A DER CRL signed by this CA listing every certificate revoked so far (possibly none).</summary>
    public byte[] CreateCrl(DateTimeOffset? thisUpdate = null, DateTimeOffset? nextUpdate = null, BigInteger? crlNumber = null)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var r in _revoked)
        {
            builder.AddEntry(r, DateTimeOffset.UtcNow.AddMinutes(-5), X509RevocationReason.KeyCompromise);
        }

        var tu = thisUpdate ?? DateTimeOffset.UtcNow.AddMinutes(-10);
        var nu = nextUpdate ?? DateTimeOffset.UtcNow.AddDays(30);
        var padding = Certificate.GetRSAPublicKey() is null ? null : RSASignaturePadding.Pkcs1;
        return builder.Build(Certificate, crlNumber ?? BigInteger.One, nu, HashAlgorithmName.SHA256, padding, tu);
    }

    /// <summary>The CRL as PEM text.</summary>
    public string CreateCrlPem(DateTimeOffset? thisUpdate = null, DateTimeOffset? nextUpdate = null) =>
        new string(PemEncoding.Write("X509 CRL", CreateCrl(thisUpdate, nextUpdate))) + "\n";

    private X509Certificate2 Sign(CertificateRequest req, IDisposable key, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var serial = BitConverter.GetBytes(Interlocked.Increment(ref s_serial));
        Array.Reverse(serial);
        // The generator overload lets an RSA leaf be signed by an ECDSA CA (and vice versa).
        using var caKey = (AsymmetricAlgorithm?)Certificate.GetECDsaPrivateKey() ?? Certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("CA certificate has no private key");
        var generator = caKey switch
        {
            ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
            RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
            _ => throw new InvalidOperationException("unsupported CA key"),
        };
        using var issued = req.Create(Certificate.SubjectName, generator, notBefore, notAfter, serial);
        return key switch
        {
            ECDsa ec => issued.CopyWithPrivateKey(ec),
            RSA rsa => issued.CopyWithPrivateKey(rsa),
            _ => throw new InvalidOperationException("unsupported key"),
        };
    }

    private static void AddCaExtensions(CertificateRequest req, int? pathLength)
    {
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, pathLength is not null, pathLength ?? 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
    }

    internal static IDisposable CreateKey(TestKeyKind kind) => kind switch
    {
        TestKeyKind.EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        TestKeyKind.EcdsaP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        TestKeyKind.Rsa2048 => RSA.Create(2048),
        TestKeyKind.Rsa1024 => RSA.Create(1024),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static CertificateRequest CreateRequest(string subject, IDisposable key) => CreateRequest(new X500DistinguishedName(subject), key);

    private static CertificateRequest CreateRequest(X500DistinguishedName subject, IDisposable key) => key switch
    {
        ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new InvalidOperationException("unsupported key"),
    };
}
