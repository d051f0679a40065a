using System.Text;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Pinning;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.SigningRequests;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Decides whether a ServerCertificate can be served, describes the certificate in its status, and provides the
/// key Secret (self-signed bootstrap or CSR flow) and the pins ConfigMap when they must be written.</summary>
public sealed class ServerCertificateEvaluator
{
    private const string CertificateLabel = "CERTIFICATE";

    public ServerCertificateEvaluation Evaluate(ServerCertificate certificate, EvaluationContext context)
    {
        var ns = certificate.Metadata.NamespaceProperty ?? "default";
        var spec = certificate.Spec;
        var status = new ServerCertificateStatus { ObservedGeneration = certificate.Metadata.Generation };
        var conditions = new ConditionSet(certificate.Status?.Conditions, certificate.Metadata.Generation, context.Now);
        if (ServerCertificateSpecCheck.Problem(certificate, ns) is { } invalid)
        {
            conditions.Set(ConditionTypes.Ready, false, invalid.Reason, invalid.Message);
            status.Conditions = conditions.Build();
            return new ServerCertificateEvaluation(status, null, null, null);
        }

        var expiryWarning = spec.ExpiryWarningDays is { } days ? TimeSpan.FromDays(days) : EvaluationContext.DefaultExpiryWarning;
        var flow = spec.SecretRef is not null ? CertificateFlow.SecretRef : spec.SelfSigned is not null ? CertificateFlow.SelfSigned : CertificateFlow.Csr;
        var csr = flow == CertificateFlow.Csr ? CsrCertificate.Resolve(certificate, ns, context, expiryWarning) : null;
        var (inspection, keySecret, next) = spec.SecretRef is { } reference
            ? new CertificateSource(FromSecret(ns, reference.Name, spec.Hostnames, context), null)
            : csr is not null ? new CertificateSource(csr.Inspection, csr.Write, csr.Next) : BootstrapCertificate.Resolve(certificate, ns, context, expiryWarning);

        Describe(status, inspection);
        status.Csr = csr?.Status;
        ServerCertificateWarnings.Set(conditions, inspection, expiryWarning, flow, context.Now);
        if (csr is not null)
        {
            CsrConditions.SetRenewal(conditions, inspection, csr.Status);
        }

        var pins = ServerCertificatePins.Publish(certificate, ns, status, conditions, inspection, csr?.Current, next, context.Lookup);
        if (!inspection.IsServable || inspection is not { Leaf: { } leaf, Chain: { } chain, Key: { } key })
        {
            var message = string.Join(" ", inspection.Problems.Select(p => p.Message));
            conditions.Set(ConditionTypes.Ready, false, inspection.Problems[0].Reason, csr is null ? message : CsrConditions.WithNextStep(message, inspection));
            status.Conditions = conditions.Build();
            return new ServerCertificateEvaluation(status, null, keySecret, pins);
        }

        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
        var kind = flow switch
        {
            CertificateFlow.SelfSigned => "a self-signed bootstrap certificate",
            CertificateFlow.Csr => "the certificate signed for the operator's key",
            _ => "the certificate",
        };
        conditions.Set(ConditionTypes.Ready, true, ServerCertificateReasons.Valid,
            $"Serving {string.Join(", ", spec.Hostnames)} with {kind} for {Names.Of(leaf.SubjectName)}, valid until {TlsSecretInspector.Timestamp(notAfter)}.");
        status.Conditions = conditions.Build();

        var chainPem = PemBlock.Join(chain.Served.Select(c => new PemBlock(CertificateLabel, c.RawData)));
        var identity = new ServerIdentity(certificate.Metadata.Name, [.. spec.Hostnames], chainPem, key.ToPem(), notAfter);
        return new ServerCertificateEvaluation(status, identity, keySecret, pins);
    }

    private static TlsInspection FromSecret(string ns, string name, IReadOnlyList<string> hostnames, EvaluationContext context) =>
        context.Lookup.FindSecret(ns, name) is { } secret
            ? TlsSecretInspector.InspectSecret(secret, hostnames, context.Now)
            : TlsInspection.Failed(new CertificateProblem(ServerCertificateReasons.SecretNotFound,
                $"Secret {ns}/{name} does not exist. Create it (kubectl create secret tls {name} --cert=FILE --key=FILE -n {ns}) or fix spec.secretRef.name."));

    private static void Describe(ServerCertificateStatus status, TlsInspection inspection)
    {
        if (inspection is not { Leaf: { } leaf })
        {
            return;
        }

        var fingerprints = CertificateFingerprints.Of(leaf);
        status.Subject = Names.Of(leaf.SubjectName);
        status.Issuer = Names.Of(leaf.IssuerName);
        status.DnsNames = [.. PresentedNames.Of(leaf).DnsNames];
        status.SerialNumber = leaf.SerialNumber.ToUpperInvariant();
        status.NotBefore = leaf.NotBefore.ToUniversalTime();
        status.NotAfter = leaf.NotAfter.ToUniversalTime();
        status.Sha1Thumbprint = CertificateFingerprints.WithColons(fingerprints.Sha1);
        status.Sha256Thumbprint = CertificateFingerprints.WithColons(fingerprints.Sha256);
        status.SelfSigned = CertificatePaths.IsSelfSigned(leaf);
        status.Chain = inspection.Chain is { } chain ? [.. chain.Served.Select(c => Names.Of(c.SubjectName))] : [Names.Of(leaf.SubjectName)];
    }
}
