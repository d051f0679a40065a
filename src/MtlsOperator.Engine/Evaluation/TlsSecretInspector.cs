using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s.Models;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Checks TLS material against the hostnames it must serve at a given time: parse, key match, validity, names, usages, chain.</summary>
internal static class TlsSecretInspector
{
    public const string TlsSecretType = "kubernetes.io/tls";
    private const string OpaqueSecretType = "Opaque";

    /// <summary>Inspects a TLS Secret (type <c>kubernetes.io/tls</c> or <c>Opaque</c>, with <c>tls.crt</c>, <c>tls.key</c> and optionally <c>ca.crt</c>).</summary>
    public static TlsInspection InspectSecret(V1Secret secret, IReadOnlyList<string> hostnames, DateTimeOffset now)
    {
        var source = $"Secret {secret.Metadata.NamespaceProperty}/{secret.Metadata.Name}";
        if (secret.Type is { Length: > 0 } type && type != TlsSecretType && type != OpaqueSecretType)
        {
            return TlsInspection.Failed(new CertificateProblem(ServerCertificateReasons.UnsupportedSecretType,
                $"{source} has type {type}; use a {TlsSecretType} (or {OpaqueSecretType}) Secret with tls.crt and tls.key."));
        }

        var certificate = TlsSecretData.Get(secret, TlsSecretData.Certificate);
        var key = TlsSecretData.Get(secret, TlsSecretData.PrivateKey);
        if (certificate is null || key is null)
        {
            var missing = string.Join(" and ", new[] { (TlsSecretData.Certificate, certificate), (TlsSecretData.PrivateKey, key) }
                .Where(x => x.Item2 is null).Select(x => x.Item1));
            return TlsInspection.Failed(new CertificateProblem(ServerCertificateReasons.SecretIncomplete,
                $"{source} has no {missing}. Put the PEM certificate chain in tls.crt and its private key in tls.key " +
                "(kubectl create secret tls NAME --cert=FILE --key=FILE does both)."));
        }

        return Inspect(source, certificate, key, TlsSecretData.Get(secret, TlsSecretData.CaCertificate), hostnames, now);
    }

    /// <summary>Inspects the material of <paramref name="source"/> (a phrase such as "Secret ns/name"). Never throws.</summary>
    public static TlsInspection Inspect(string source, byte[] tlsCrt, byte[] tlsKey, byte[]? caCrt, IReadOnlyList<string> hostnames, DateTimeOffset now)
    {
        var bundle = CertificateBundle.Read(tlsCrt);
        if (bundle.Certificates.IsEmpty)
        {
            var detail = bundle.Junk.IsEmpty ? "" : $" ({string.Join("; ", bundle.Junk)})";
            return new TlsInspection(null, null, null,
                [new CertificateProblem(ServerCertificateReasons.InvalidCertificate,
                    $"tls.crt of {source} holds no X.509 certificate{detail}. Put the PEM certificate (leaf first, then intermediates) in tls.crt.")],
                []);
        }

        var problems = ImmutableArray.CreateBuilder<CertificateProblem>();
        var (leaf, key) = ChooseLeaf(source, bundle.Certificates, PrivateKeyPem.Read(tlsKey), problems);
        problems.AddRange(ValidityProblems(source, leaf, now));
        problems.AddRange(UsageProblems(source, leaf, hostnames));

        var authorities = caCrt is null ? [] : CertificateBundle.Read(caCrt).Certificates;
        var chain = CertificatePaths.BuildServed(leaf, [.. bundle.Certificates, .. authorities]);
        problems.AddRange(SecurityLevelProblems(source, chain));
        var unused = bundle.Certificates
            .Where(c => !chain.Path.Any(p => ReferenceEquals(p, c)))
            .Select(c => chain.Path.Any(p => p.RawData.AsSpan().SequenceEqual(c.RawData))
                ? $"certificate {Names.Of(c.SubjectName)} appears more than once"
                : $"certificate {Names.Of(c.SubjectName)} is not part of the chain")
            .Concat(bundle.Junk);
        return new TlsInspection(leaf, chain, key, problems.ToImmutable(), [.. unused]);
    }

    /// <summary>The leaf is the certificate the key belongs to, wherever it sits in tls.crt; without a usable key, the first
    /// non-CA certificate stands in so the status can still describe it.</summary>
    private static (X509Certificate2 Leaf, PemBlock? Key) ChooseLeaf(
        string source, ImmutableArray<X509Certificate2> certificates, PrivateKeyPem key, ImmutableArray<CertificateProblem>.Builder problems)
    {
        X509Certificate2 Fallback() => certificates.FirstOrDefault(c => !IsCa(c)) ?? certificates[0];
        if (key.Block is not { } block)
        {
            problems.Add(KeyRefusal(source, key));
            return (Fallback(), null);
        }

        var matcher = new PrivateKeyMatcher(block);
        if (certificates.FirstOrDefault(c => matcher.Check(c).Outcome == KeyMatchOutcome.Match) is { } leaf)
        {
            return (leaf, block);
        }

        var fallback = Fallback();
        var verdict = matcher.Check(fallback);
        problems.Add(verdict.Outcome switch
        {
            KeyMatchOutcome.UnsupportedAlgorithm => new CertificateProblem(ServerCertificateReasons.UnsupportedKeyAlgorithm,
                $"The certificate in {source} uses a {verdict.CertificateAlgorithm} key, which the operator cannot check against tls.key. " +
                "Use an RSA or ECDSA (P-256/P-384) certificate and key."),
            KeyMatchOutcome.Unreadable => new CertificateProblem(ServerCertificateReasons.InvalidPrivateKey,
                $"tls.key of {source} is not a readable {verdict.KeyAlgorithm} private key. Put an unencrypted PEM key (PKCS#8, PKCS#1 or SEC1) in tls.key."),
            _ => new CertificateProblem(ServerCertificateReasons.KeyMismatch,
                $"tls.key of {source} ({verdict.KeyAlgorithm}) does not belong to the certificate {Names.Of(fallback.SubjectName)} ({verdict.CertificateAlgorithm}) " +
                "nor to any other certificate in tls.crt. Put the key that was generated with this certificate in tls.key."),
        });
        return (fallback, null);
    }

    private static CertificateProblem KeyRefusal(string source, PrivateKeyPem key) => key.Refusal switch
    {
        PrivateKeyRefusal.Encrypted => new CertificateProblem(ServerCertificateReasons.EncryptedPrivateKey,
            $"tls.key of {source} is encrypted ({key.Label}); the proxy cannot use a key it has no passphrase for. " +
            "Store it unencrypted, e.g. with `openssl pkey -in key.pem -out tls.key`, and protect the Secret with RBAC."),
        PrivateKeyRefusal.Several => new CertificateProblem(ServerCertificateReasons.InvalidPrivateKey,
            $"tls.key of {source} holds more than one private key. Keep only the key of the server certificate."),
        PrivateKeyRefusal.UnsupportedFormat => new CertificateProblem(ServerCertificateReasons.InvalidPrivateKey,
            $"tls.key of {source} is in {key.Label} format. Convert it to PEM PKCS#8, e.g. with `openssl pkey -in key -out tls.key`."),
        _ => new CertificateProblem(ServerCertificateReasons.InvalidPrivateKey,
            $"tls.key of {source} holds no PEM private key. Put the unencrypted key (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY) in tls.key."),
    };

    private static IEnumerable<CertificateProblem> ValidityProblems(string source, X509Certificate2 leaf, DateTimeOffset now)
    {
        var notBefore = new DateTimeOffset(leaf.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
        if (now < notBefore)
        {
            yield return new CertificateProblem(ServerCertificateReasons.NotYetValid,
                $"The certificate in {source} is not valid before {Timestamp(notBefore)}. Wait until then, or check the issuer's clock and reissue it.");
        }

        if (now >= notAfter)
        {
            yield return new CertificateProblem(ServerCertificateReasons.Expired,
                $"The certificate in {source} expired at {Timestamp(notAfter)}. Renew it and update the Secret.");
        }
    }

    private static IEnumerable<CertificateProblem> UsageProblems(string source, X509Certificate2 leaf, IReadOnlyList<string> hostnames)
    {
        var presented = PresentedNames.Of(leaf);
        var uncovered = HostnameMatcher.Uncovered(hostnames, presented.ForMatching);
        if (!uncovered.IsEmpty)
        {
            var what = presented.HasSanExtension
                ? presented.DnsNames.IsEmpty ? "no DNS names in its subjectAltName" : $"only {string.Join(", ", presented.DnsNames)}"
                : presented.CommonName is { } cn ? $"no subjectAltName, only the common name {cn}" : "no DNS names at all";
            yield return new CertificateProblem(ServerCertificateReasons.HostnameMismatch,
                $"The certificate in {source} does not cover {string.Join(", ", uncovered)}: it presents {what}. " +
                "Reissue it with every hostname as a DNS subjectAltName, or remove the uncovered names from spec.hostnames.");
        }

        if (!ServerKeyUsage.AllowsDigitalSignature(leaf))
        {
            yield return new CertificateProblem(ServerCertificateReasons.MissingDigitalSignature,
                $"The certificate in {source} has a Key Usage without Digital Signature, so it cannot sign TLS 1.3 or ECDHE handshakes. " +
                "Reissue it with Key Usage digitalSignature (and keyEncipherment for RSA if you like).");
        }

        if (!ServerKeyUsage.AllowsServerAuth(leaf))
        {
            yield return new CertificateProblem(ServerCertificateReasons.MissingServerAuth,
                $"The certificate in {source} has an Extended Key Usage without serverAuth, so TLS clients will refuse it. " +
                "Reissue it with Extended Key Usage serverAuth (1.3.6.1.5.5.7.3.1).");
        }
    }

    /// <summary>Served certificates OpenSSL refuses at its default security level: the proxy would not start.</summary>
    private static IEnumerable<CertificateProblem> SecurityLevelProblems(string source, CertificateChain chain)
    {
        const string Why = "OpenSSL at its default security level 2 (Debian, Ubuntu, RHEL) refuses it, so neither HAProxy nor nginx would start.";
        for (var i = 0; i < chain.Served.Length; i++)
        {
            var certificate = chain.Served[i];
            var which = i == 0 ? "The certificate" : $"The intermediate {Names.Of(certificate.SubjectName)} served with the certificate";
            if (OpensslSecurityLevel.WeakKey(certificate) is { } key)
            {
                yield return new CertificateProblem(ServerCertificateReasons.WeakKey,
                    $"{which} in {source} has {key}. {Why} Reissue it with an RSA key of at least 2048 bits or an ECDSA P-256 key " +
                    "(do not lower the proxy's security level).");
            }

            if (OpensslSecurityLevel.WeakSignature(certificate) is { } digest)
            {
                yield return new CertificateProblem(ServerCertificateReasons.WeakSignature,
                    $"{which} in {source} is signed with {digest}. {Why} Have its issuer sign it again with SHA-256 " +
                    "(do not lower the proxy's security level).");
            }
        }
    }

    private static bool IsCa(X509Certificate2 certificate)
    {
        try
        {
            return CertificateAuthorityFacts.IsCertificateAuthority(certificate);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    internal static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
