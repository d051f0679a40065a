using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s.Models;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.UpstreamTls;

/// <summary>The certificate a proxy presents to the upstream, read from a <c>kubernetes.io/tls</c> Secret: leaf (the certificate
/// the key belongs to) first, then the other certificates of <c>tls.crt</c>; or the one problem that stops it being presented.</summary>
internal sealed record UpstreamClientCertificate(string? ChainPem, string? KeyPem, string? Problem)
{
    private const string ExtendedKeyUsageOid = "2.5.29.37";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    public static UpstreamClientCertificate Read(V1Secret secret, DateTimeOffset now)
    {
        var source = $"Secret {secret.Metadata.NamespaceProperty}/{secret.Metadata.Name} (spec.upstreamTls.clientCertificateSecretRef)";
        var crt = TlsSecretData.Get(secret, TlsSecretData.Certificate);
        var keyBytes = TlsSecretData.Get(secret, TlsSecretData.PrivateKey);
        if (crt is null || keyBytes is null)
        {
            return Refuse($"{source} needs tls.crt and tls.key (kubectl create secret tls NAME --cert=FILE --key=FILE).");
        }

        var certificates = CertificateBundle.Read(crt).Certificates;
        if (PrivateKeyPem.Read(keyBytes).Block is not { } key)
        {
            return Refuse($"tls.key of {source} holds no single unencrypted PEM private key.");
        }

        var matcher = new PrivateKeyMatcher(key);
        var leaf = certificates.FirstOrDefault(c => matcher.Check(c).Outcome == KeyMatchOutcome.Match);
        if (leaf is null)
        {
            return Refuse($"tls.key of {source} belongs to no certificate in its tls.crt ({certificates.Length} certificates). Put the certificate and its own key in the Secret.");
        }

        var subject = Names.Of(leaf.SubjectName);
        if (now < leaf.NotBefore.ToUniversalTime() || now >= leaf.NotAfter.ToUniversalTime())
        {
            return Refuse($"The certificate {subject} in {source} is not valid now (valid {TlsSecretInspector.Timestamp(leaf.NotBefore.ToUniversalTime())} " +
                $"to {TlsSecretInspector.Timestamp(leaf.NotAfter.ToUniversalTime())}); the upstream would refuse it. Renew it.");
        }

        if (!AllowsClientAuth(leaf))
        {
            return Refuse($"The certificate {subject} in {source} has an Extended Key Usage without clientAuth (1.3.6.1.5.5.7.3.2), so the upstream would refuse it. Reissue it with clientAuth.");
        }

        foreach (var certificate in certificates)
        {
            var weak = OpensslSecurityLevel.WeakKey(certificate) ?? (OpensslSecurityLevel.WeakSignature(certificate) is { } digest ? "a signature with " + digest : null);
            if (weak is not null)
            {
                return Refuse($"The certificate {Names.Of(certificate.SubjectName)} in {source} has {weak}; OpenSSL at security level 2 refuses to load it, " +
                    "so the proxy would not start. Reissue it with an RSA key of at least 2048 bits or ECDSA P-256, signed with SHA-256.");
            }
        }

        var chain = certificates.Where(c => !ReferenceEquals(c, leaf) && !c.RawData.AsSpan().SequenceEqual(leaf.RawData)).Prepend(leaf);
        return new UpstreamClientCertificate(string.Concat(chain.Select(c => new PemBlock(PemLabels.Certificate, c.RawData).ToPem())), key.ToPem(), null);
    }

    private static bool AllowsClientAuth(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.FirstOrDefault(e => e.Oid?.Value == ExtendedKeyUsageOid);
        if (extension is null)
        {
            return true;
        }

        try
        {
            return new X509EnhancedKeyUsageExtension(extension, extension.Critical).EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ClientAuthOid);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static UpstreamClientCertificate Refuse(string problem) => new(null, null, problem);
}
