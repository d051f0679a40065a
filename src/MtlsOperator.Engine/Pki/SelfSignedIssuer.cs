using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki.Keys;

namespace MtlsOperator.Engine.Pki;

/// <summary>A freshly generated self-signed server certificate and its PKCS#8 key, as PEM.</summary>
public sealed record SelfSignedCertificate(string CertificatePem, string KeyPem);

/// <summary>Generates self-signed TLS server certificates for first use, before a CA-issued one is available.</summary>
public static class SelfSignedIssuer
{
    /// <summary>Backdating absorbs clock skew between the operator and clients.</summary>
    public static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    /// <summary>X.520 upper bound of a CN; longer first hostnames leave the subject without one (the SANs carry the names).</summary>
    private const int MaxCommonNameLength = 64;

    /// <summary>A certificate for <paramref name="hostnames"/> with a new key of <paramref name="keyAlgorithm"/>; see
    /// <see cref="Issue(ImmutableArray{string}, PrivateKey, DateTimeOffset, int)"/>.</summary>
    public static SelfSignedCertificate Issue(ImmutableArray<string> hostnames, string keyAlgorithm, DateTimeOffset now, int validityDays) =>
        Issue(hostnames, PrivateKey.Generate(keyAlgorithm), now, validityDays);

    /// <summary>A certificate for <paramref name="hostnames"/> (SANs; CN = first hostname) with Digital Signature and serverAuth,
    /// valid from <paramref name="now"/> minus <see cref="Backdate"/> for <paramref name="validityDays"/> days, for
    /// <paramref name="privateKey"/> (a key generated ahead, whose pin clients may already hold).</summary>
    public static SelfSignedCertificate Issue(ImmutableArray<string> hostnames, PrivateKey privateKey, DateTimeOffset now, int validityDays)
    {
        using var key = privateKey.Open();

        var subject = new X500DistinguishedNameBuilder();
        if (hostnames[0].Length <= MaxCommonNameLength)
        {
            subject.AddCommonName(hostnames[0]);
        }

        var request = KeyAlgorithm.RequestFor(subject.Build(), key);

        var san = new SubjectAlternativeNameBuilder();
        foreach (var hostname in hostnames)
        {
            san.AddDnsName(hostname);
        }

        // An empty subject requires a critical SAN (RFC 5280 §4.2.1.6).
        request.CertificateExtensions.Add(san.Build(critical: subject.Build().RawData.Length <= 2));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerKeyUsage.ServerAuthOid)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        using var certificate = request.Create(request.SubjectName, KeyAlgorithm.SignerFor(key), now - Backdate, now.AddDays(validityDays), serial);
        return new SelfSignedCertificate(certificate.ExportCertificatePem() + "\n", privateKey.Pem);
    }
}
