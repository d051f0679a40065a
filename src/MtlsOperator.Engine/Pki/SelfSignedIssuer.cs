using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

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

    /// <summary>A certificate for <paramref name="hostnames"/> (SANs; CN = first hostname) with Digital Signature and serverAuth,
    /// valid from <paramref name="now"/> minus <see cref="Backdate"/> for <paramref name="validityDays"/> days.</summary>
    public static SelfSignedCertificate Issue(ImmutableArray<string> hostnames, string keyAlgorithm, DateTimeOffset now, int validityDays)
    {
        using AsymmetricAlgorithm key = keyAlgorithm switch
        {
            BootstrapKeyAlgorithm.EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
            BootstrapKeyAlgorithm.EcdsaP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
            BootstrapKeyAlgorithm.Rsa2048 => RSA.Create(2048),
            _ => throw new ArgumentOutOfRangeException(nameof(keyAlgorithm), keyAlgorithm, "unknown bootstrap key algorithm"),
        };

        var subject = new X500DistinguishedNameBuilder();
        if (hostnames[0].Length <= MaxCommonNameLength)
        {
            subject.AddCommonName(hostnames[0]);
        }

        var request = key switch
        {
            RSA rsa => new CertificateRequest(subject.Build(), rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ec => new CertificateRequest(subject.Build(), ec, ec.KeySize > 256 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256),
            _ => throw new InvalidOperationException("unreachable"),
        };

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
        using var certificate = request.Create(request.SubjectName, SignerFor(key), now - Backdate, now.AddDays(validityDays), serial);
        return new SelfSignedCertificate(certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    private static X509SignatureGenerator SignerFor(AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
        _ => throw new InvalidOperationException("unreachable"),
    };
}
