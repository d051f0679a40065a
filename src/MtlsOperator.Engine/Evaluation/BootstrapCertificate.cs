using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Pki.Keys;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Finds the certificate a <c>selfSigned</c> ServerCertificate serves: its bootstrap Secret when that still fits, else a new one.</summary>
internal static class BootstrapCertificate
{
    private const int DefaultValidityDays = 90;

    /// <summary>Key of the bootstrap Secret holding the key the next bootstrap certificate will use.</summary>
    public const string NextKeyData = "next.key";

    /// <summary>Name of the Secret the bootstrap certificate lives in.</summary>
    public static string SecretName(ServerCertificate certificate) => certificate.Metadata.Name + ResourceReferences.BootstrapSecretSuffix;

    /// <summary>Reuses the existing bootstrap Secret unless it no longer fits (names, key algorithm, validity) or is due for
    /// renewal; then generates a new one (with the next key kept in the Secret, and a new next key) when <see cref="EvaluationContext.AllowBootstrapGeneration"/>, and otherwise keeps
    /// serving the old one while it is still valid.</summary>
    public static CertificateSource Resolve(ServerCertificate certificate, string ns, EvaluationContext context, TimeSpan expiryWarning)
    {
        var spec = certificate.Spec;
        var name = SecretName(certificate);
        var existing = context.Lookup.FindSecret(ns, name);
        if (existing is not null && !OutputOwnership.IsOwnedBy(existing.Metadata, certificate))
        {
            return new CertificateSource(TlsInspection.Failed(new CertificateProblem(ServerCertificateReasons.OutputConflict,
                $"Secret {ns}/{name} exists and is not managed by this ServerCertificate; the operator will not overwrite it. " +
                "Delete or rename that Secret, or use it through spec.secretRef instead of spec.selfSigned.")), null);
        }

        var algorithm = spec.SelfSigned?.KeyAlgorithm ?? KeyAlgorithm.Default;
        var current = existing is null ? null : TlsSecretInspector.InspectSecret(existing, spec.Hostnames, context.Now);
        var next = existing is not null && TlsSecretData.Get(existing, NextKeyData) is { } stored && PrivateKey.Read(stored) is { } read && read.Algorithm == algorithm
            ? read
            : null;
        if (current is { IsServable: true, Leaf: { } leaf } && KeyAlgorithm.Of(leaf) == algorithm && !RenewalWindow.IsDue(leaf, expiryWarning, context.Now))
        {
            // The next key is generated ahead (once), so clients can pin it before the renewal uses it.
            return next is null && context.AllowBootstrapGeneration
                ? new CertificateSource(current, WithNextKey(certificate, existing!, next = PrivateKey.Generate(algorithm)), next)
                : new CertificateSource(current, null, next);
        }

        if (context.AllowBootstrapGeneration)
        {
            return Generate(certificate, ns, name, next ?? PrivateKey.Generate(algorithm), PrivateKey.Generate(algorithm), context.Now);
        }

        if (current is { IsServable: true })
        {
            return new CertificateSource(current, null, next);
        }

        var why = current is null ? "has not been generated yet" : $"no longer fits ({current.Problems.First().Reason})";
        return new CertificateSource(TlsInspection.Failed(new CertificateProblem(ServerCertificateReasons.BootstrapPending,
            $"The self-signed bootstrap Secret {ns}/{name} {why}; the operator writes a new one when it reconciles this ServerCertificate.")), null);
    }

    /// <summary>The bootstrap Secret as it is, plus the next key.</summary>
    private static V1Secret WithNextKey(ServerCertificate certificate, V1Secret existing, PrivateKey next)
    {
        var secret = new V1Secret
        {
            ApiVersion = "v1",
            Kind = V1Secret.KubeKind,
            Metadata = OutputOwnership.MetadataFor(existing.Metadata.Name, certificate),
            Type = existing.Type,
            Data = new Dictionary<string, byte[]>(existing.Data ?? new Dictionary<string, byte[]>(), StringComparer.Ordinal),
        };
        foreach (var (key, value) in existing.StringData ?? new Dictionary<string, string>())
        {
            secret.Data[key] = Encoding.UTF8.GetBytes(value);
        }

        secret.Data[NextKeyData] = Encoding.UTF8.GetBytes(next.Pem);
        secret.Metadata.NamespaceProperty = existing.Metadata.NamespaceProperty;
        return secret;
    }

    /// <summary>A certificate for <paramref name="key"/> (the next key generated earlier, when there is one) and a new next key.</summary>
    private static CertificateSource Generate(ServerCertificate certificate, string ns, string name, PrivateKey key, PrivateKey next, DateTimeOffset now)
    {
        var issued = SelfSignedIssuer.Issue([.. certificate.Spec.Hostnames], key, now, certificate.Spec.SelfSigned?.ValidityDays ?? DefaultValidityDays);
        var secret = new V1Secret
        {
            ApiVersion = "v1",
            Kind = V1Secret.KubeKind,
            Metadata = OutputOwnership.MetadataFor(name, certificate),
            Type = TlsSecretInspector.TlsSecretType,
            Data = new Dictionary<string, byte[]>(StringComparer.Ordinal)
            {
                [TlsSecretData.Certificate] = Encoding.UTF8.GetBytes(issued.CertificatePem),
                [TlsSecretData.PrivateKey] = Encoding.UTF8.GetBytes(issued.KeyPem),
                [NextKeyData] = Encoding.UTF8.GetBytes(next.Pem),
            },
        };
        secret.Metadata.NamespaceProperty = ns;
        return new CertificateSource(TlsSecretInspector.InspectSecret(secret, certificate.Spec.Hostnames, now), secret, next);
    }
}
