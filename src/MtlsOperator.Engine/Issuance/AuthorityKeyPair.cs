using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s.Models;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Issuance;

/// <summary>A CA certificate with its private key, able to sign certificates and CRLs, and the chain above it.</summary>
/// <param name="Certificate">The CA certificate, carrying its private key.</param>
/// <param name="Chain">Certificates after the CA's own in <c>tls.crt</c> (intermediates up to a root), as written.</param>
public sealed record AuthorityKeyPair(X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> Chain) : IDisposable
{
    public void Dispose() => Certificate.Dispose();

    /// <summary>Reads a <c>kubernetes.io/tls</c> Secret holding a CA; null and the reason (a sentence) when it cannot sign client certificates
    /// and CRLs that HAProxy and nginx accept.</summary>
    public static AuthorityKeyPair? Read(V1Secret secret, DateTimeOffset now, out string? problem)
    {
        var name = $"Secret {secret.Metadata.Name}";
        if (TlsSecretData.Get(secret, TlsSecretData.Certificate) is not { } certificateBytes)
        {
            problem = $"{name} has no {TlsSecretData.Certificate}; put the CA certificate there (then any chain above it).";
            return null;
        }

        if (TlsSecretData.Get(secret, TlsSecretData.PrivateKey) is not { } keyBytes || PrivateKeyPem.Read(keyBytes) is not { Block: { } keyBlock })
        {
            problem = $"{name} has no unencrypted private key in {TlsSecretData.PrivateKey} (PKCS#8, PKCS#1 or SEC1 PEM); put the CA's key there.";
            return null;
        }

        var content = PemOrDer.Read(certificateBytes, PemLabels.Certificate);
        if (content.Error is not null || content.Objects.Count == 0)
        {
            problem = $"{name} {TlsSecretData.Certificate} {content.Error ?? "holds no certificate"}.";
            return null;
        }

        var certificates = new List<X509Certificate2>();
        foreach (var der in content.Objects)
        {
            if (CertificateDecoding.TryLoad(der.Span, out var decodeProblem) is not { } c)
            {
                problem = $"{name} {TlsSecretData.Certificate}: {decodeProblem}.";
                return null;
            }

            certificates.Add(c);
        }

        var ca = certificates[0];
        problem = ProblemOf(ca, now);
        if (problem is null && PrivateKeyMatch.Check(ca, keyBlock).Outcome != KeyMatchOutcome.Match)
        {
            problem = $"the private key in {TlsSecretData.PrivateKey} does not belong to the CA certificate in {TlsSecretData.Certificate}.";
        }

        if (problem is not null)
        {
            problem = $"{name}: {problem}";
            return null;
        }

        try
        {
            var withKey = X509Certificate2.CreateFromPem(ca.ExportCertificatePem(), keyBlock.ToPem());
            return new AuthorityKeyPair(withKey, certificates.Skip(1).ToList());
        }
        catch (CryptographicException e)
        {
            problem = $"{name}: the private key cannot be used for signing ({e.Message}).";
            return null;
        }
    }

    private static string? ProblemOf(X509Certificate2 ca, DateTimeOffset now)
    {
        var subject = DistinguishedName.Format(ca.SubjectName);
        if (!CertificateAuthorityFacts.IsCertificateAuthority(ca))
        {
            return $"\"{subject}\" is not a CA certificate (basicConstraints CA:TRUE is missing), so nothing it signs would verify.";
        }

        if (ca.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage
            && (!usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign) || !usage.KeyUsages.HasFlag(X509KeyUsageFlags.CrlSign)))
        {
            return $"\"{subject}\" has a keyUsage without keyCertSign and cRLSign; OpenSSL refuses certificates or CRLs it signs. Reissue the CA with both.";
        }

        if (ca.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is { } eku
            && !eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ProxyVerdicts.SslClientPurpose.ClientAuthOid))
        {
            return $"\"{subject}\" has an extendedKeyUsage without clientAuth (anyExtendedKeyUsage does not do for OpenSSL); HAProxy and nginx refuse client certificates below it.";
        }

        if (now > new DateTimeOffset(ca.NotAfter.ToUniversalTime()))
        {
            return $"\"{subject}\" expired on {ca.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z; renew the CA certificate (same key or new).";
        }

        if (now < new DateTimeOffset(ca.NotBefore.ToUniversalTime()))
        {
            return $"\"{subject}\" is not valid before {ca.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z.";
        }

        return null;
    }
}
