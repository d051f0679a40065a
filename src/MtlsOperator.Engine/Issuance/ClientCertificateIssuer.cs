using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Pki.Keys;

namespace MtlsOperator.Engine.Issuance;

/// <summary>What a client certificate names and how long it lives.</summary>
/// <param name="Subject">The encoded subject.</param>
/// <param name="Validity">Requested lifetime; never beyond the CA's notAfter.</param>
public sealed record ClientCertificateRequest(
    X500DistinguishedName Subject, ImmutableArray<string> DnsNames, ImmutableArray<string> Uris, ImmutableArray<string> EmailAddresses,
    string KeyAlgorithm, TimeSpan Validity);

/// <summary>A freshly issued client certificate.</summary>
/// <param name="Certificate">The certificate (public).</param>
/// <param name="KeyPem">Its PKCS#8 private key.</param>
public sealed record IssuedCertificate(X509Certificate2 Certificate, string KeyPem);

/// <summary>Signs TLS client certificates with a CA's key: basicConstraints CA:FALSE, digitalSignature, clientAuth, subject and authority
/// key identifiers, and the requested SANs.</summary>
public static class ClientCertificateIssuer
{
    /// <summary>Backdating absorbs clock skew between the operator and the proxies.</summary>
    public static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    public static IssuedCertificate Issue(AuthorityKeyPair authority, ClientCertificateRequest request, DateTimeOffset now)
    {
        var ca = authority.Certificate;
        using var key = KeyAlgorithm.Create(request.KeyAlgorithm);
        var csr = KeyAlgorithm.RequestFor(request.Subject, key);

        var san = new SubjectAlternativeNameBuilder();
        var anyName = false;
        foreach (var dns in request.DnsNames)
        {
            san.AddDnsName(dns);
            anyName = true;
        }

        foreach (var email in request.EmailAddresses)
        {
            san.AddEmailAddress(email);
            anyName = true;
        }

        foreach (var uri in request.Uris)
        {
            san.AddUri(new Uri(uri, UriKind.Absolute));
            anyName = true;
        }

        if (anyName)
        {
            // An empty subject requires a critical SAN (RFC 5280 §4.2.1.6).
            csr.CertificateExtensions.Add(san.Build(critical: request.Subject.RawData.Length <= 2));
        }

        csr.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        csr.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        csr.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ProxyVerdicts.SslClientPurpose.ClientAuthOid)], false));
        csr.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(csr.PublicKey, false));
        csr.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: HasSubjectKeyId(ca), includeIssuerAndSerial: !HasSubjectKeyId(ca)));

        var caNotBefore = new DateTimeOffset(ca.NotBefore.ToUniversalTime());
        var caNotAfter = new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        var notBefore = Later(now - Backdate, caNotBefore);
        var notAfter = Earlier(now + request.Validity, caNotAfter);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        using var signed = csr.Create(ca.SubjectName, SignerFor(ca), notBefore, notAfter, serial);
        return new IssuedCertificate(X509CertificateLoader.LoadCertificate(signed.RawData), key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    private static bool HasSubjectKeyId(X509Certificate2 ca) => ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Any();

    private static X509SignatureGenerator SignerFor(X509Certificate2 ca) =>
        KeyAlgorithm.SignerFor((AsymmetricAlgorithm?)ca.GetRSAPrivateKey() ?? ca.GetECDsaPrivateKey() ?? throw new CryptographicException("the CA key is neither RSA nor ECDSA"));

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Earlier(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
