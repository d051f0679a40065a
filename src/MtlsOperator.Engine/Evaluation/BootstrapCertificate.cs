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

    /// <summary>Name of the Secret the bootstrap certificate lives in.</summary>
    public static string SecretName(ServerCertificate certificate) => certificate.Metadata.Name + ResourceReferences.BootstrapSecretSuffix;

    /// <summary>Reuses the existing bootstrap Secret unless it no longer fits (names, key algorithm, validity) or is due for
    /// renewal; then generates a new one when <see cref="EvaluationContext.AllowBootstrapGeneration"/>, and otherwise keeps
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
        if (current is { IsServable: true, Leaf: { } leaf } && KeyAlgorithm.Of(leaf) == algorithm && !DueForRenewal(leaf, expiryWarning, context.Now))
        {
            return new CertificateSource(current, null);
        }

        if (context.AllowBootstrapGeneration)
        {
            return Generate(certificate, ns, name, algorithm, context.Now);
        }

        if (current is { IsServable: true })
        {
            return new CertificateSource(current, null);
        }

        var why = current is null ? "has not been generated yet" : $"no longer fits ({current.Problems.First().Reason})";
        return new CertificateSource(TlsInspection.Failed(new CertificateProblem(ServerCertificateReasons.BootstrapPending,
            $"The self-signed bootstrap Secret {ns}/{name} {why}; the operator writes a new one when it reconciles this ServerCertificate.")), null);
    }

    /// <summary>Renewal starts within the warning window, but no earlier than two thirds into the lifetime: a certificate
    /// valid for less than the window would otherwise be replaced on every reconcile.</summary>
    private static bool DueForRenewal(X509Certificate2 leaf, TimeSpan expiryWarning, DateTimeOffset now)
    {
        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
        var lifetime = notAfter - new DateTimeOffset(leaf.NotBefore.ToUniversalTime());
        var lead = expiryWarning < lifetime / 3 ? expiryWarning : lifetime / 3;
        return now >= notAfter - lead;
    }

    private static CertificateSource Generate(ServerCertificate certificate, string ns, string name, string algorithm, DateTimeOffset now)
    {
        var issued = SelfSignedIssuer.Issue([.. certificate.Spec.Hostnames], algorithm, now, certificate.Spec.SelfSigned?.ValidityDays ?? DefaultValidityDays);
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
            },
        };
        secret.Metadata.NamespaceProperty = ns;
        return new CertificateSource(TlsSecretInspector.InspectSecret(secret, certificate.Spec.Hostnames, now), secret);
    }
}
