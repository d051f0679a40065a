using System.Globalization;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Issuance;

/// <summary>Result of evaluating a <see cref="ClientCertificateAuthority"/>: its status, the CRL ConfigMap to write, and when to look again.</summary>
public sealed record ClientCertificateAuthorityEvaluation(ClientCertificateAuthorityStatus Status, V1ConfigMap? Output, DateTimeOffset? RecheckAt);

/// <summary>Checks a CA's Secret and maintains its CRL: every revoked IssuedClientCertificate naming it and every certificate a
/// ClientCertificateRevocation naming it lists, plus what it published before,
/// minus certificates that have expired (<see cref="AuthorityCrl"/>).</summary>
public sealed class ClientCertificateAuthorityEvaluator
{
    public const int DefaultValidityHours = 168;

    public ClientCertificateAuthorityEvaluation Evaluate(ClientCertificateAuthority resource, EvaluationContext context)
    {
        var ns = resource.Metadata.NamespaceProperty ?? "default";
        var now = context.Now;
        var previous = resource.Status;
        var status = EvaluationGuard.Keep(previous);
        status.ObservedGeneration = resource.Metadata.Generation;
        var conditions = new ConditionSet(previous?.Conditions, resource.Metadata.Generation, now);
        var configMapName = PublishedCrl.ConfigMapNameOf(resource);
        status.CrlConfigMap = configMapName;

        ClientCertificateAuthorityEvaluation Fail(string reason, string message)
        {
            status.Conditions = conditions.Set(ConditionTypes.Ready, false, reason, message + " The CRL published before stays as it is.").Build();
            return new ClientCertificateAuthorityEvaluation(status, null, null);
        }

        var validityHours = resource.Spec.Crl?.ValidityHours ?? DefaultValidityHours;
        var refresh = resource.Spec.Crl?.RefreshBeforeHours is { } hours ? TimeSpan.FromHours(hours) : TimeSpan.FromHours(validityHours) / 2;
        if (validityHours < 1 || refresh <= TimeSpan.Zero || refresh >= TimeSpan.FromHours(validityHours))
        {
            return Fail(EvaluationGuard.InvalidSpec, $"spec.crl.refreshBeforeHours must be less than spec.crl.validityHours ({validityHours}); otherwise every reconcile would sign a new CRL.");
        }

        if (KubernetesNames.SubdomainProblem("spec.crl.configMapName", configMapName) is { } nameProblem)
        {
            return Fail(EvaluationGuard.InvalidSpec, nameProblem);
        }

        var reference = resource.Spec.SecretRef;
        if (!string.IsNullOrEmpty(reference.Namespace) && reference.Namespace != ns)
        {
            return Fail(DataSourceReasons.CrossNamespaceReference,
                $"spec.secretRef points to {reference.Namespace}/{reference.Name}, outside namespace {ns}; references never cross namespaces.");
        }

        if (context.Lookup.FindSecret(ns, reference.Name) is not { } secret)
        {
            return Fail(IssuanceReasons.SecretNotFound, $"Secret {ns}/{reference.Name} with the CA certificate and key does not exist; create it (kubernetes.io/tls: tls.crt, tls.key).");
        }

        using var ca = AuthorityKeyPair.Read(secret, now, out var problem);
        if (ca is null)
        {
            return Fail(IssuanceReasons.InvalidAuthority, problem!);
        }

        var existing = context.Lookup.FindConfigMap(ns, configMapName);
        if (existing is not null && !OutputOwnership.IsOwnedBy(existing.Metadata, resource))
        {
            return Fail(ServerCertificateReasons.OutputConflict,
                $"ConfigMap {ns}/{configMapName} exists and is not managed by this ClientCertificateAuthority; the operator will not overwrite it. Delete or rename it, or set spec.crl.configMapName.");
        }

        var schedule = new CrlSchedule(TimeSpan.FromHours(validityHours), refresh);
        var known = (previous?.Revoked ?? []).Where(r => IsSerial(r.SerialNumber)).Select(r => new KnownRevocation(r.SerialNumber, Utc(r.RevocationDate),
            RevocationReasons.Parse(r.RevocationReason) ?? X509RevocationReason.Unspecified, r.NotAfter is { } t ? Utc(t) : null, r.IssuedCertificate)).ToList();
        var lastNumber = BigInteger.TryParse(previous?.CrlNumber, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (BigInteger?)null;
        var crl = AuthorityCrl.Maintain(ca, RevokedBy(resource, ns, ca.Certificate, context), PublishedCrl.Read(existing), known, lastNumber, schedule, now);

        status.Subject = Names.Of(ca.Certificate.SubjectName);
        status.NotAfter = ca.Certificate.NotAfter.ToUniversalTime();
        status.CrlNumber = crl.Number.ToString(CultureInfo.InvariantCulture);
        status.ThisUpdate = crl.ThisUpdate.UtcDateTime;
        status.NextUpdate = crl.NextUpdate.UtcDateTime;
        status.Revoked = [.. crl.Entries.Select(e => new RevokedCertificateStatus
        {
            SerialNumber = e.Serial,
            RevocationReason = RevocationReasons.NameOf(e.Reason),
            RevocationDate = e.RevokedAt.UtcDateTime,
            NotAfter = e.NotAfter?.UtcDateTime,
            IssuedCertificate = e.IssuedCertificate,
        })];
        var meta = OutputOwnership.MetadataFor(configMapName, resource);
        meta.NamespaceProperty = ns;
        var output = new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = V1ConfigMap.KubeKind,
            Metadata = meta,
            Data = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [PublishedCrl.CrlKey] = new PemBlock(PemLabels.Crl, crl.Der).ToPem(),
                [PublishedCrl.CaKey] = ca.Certificate.ExportCertificatePem() + "\n",
            },
        };
        status.Conditions = conditions.Set(ConditionTypes.Ready, true, IssuanceReasons.CrlPublished,
            $"CRL number {crl.Number} with {Wording.Count(crl.Entries.Count, "revoked certificate")} is in ConfigMap {configMapName} (key {PublishedCrl.CrlKey}), " +
            $"valid until {crl.NextUpdate.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z; the next one is signed {refresh.TotalHours:0.#} hours before. " +
            $"Give a TrustBundle spec.crls: [{{configMap: {{name: {configMapName}, key: {PublishedCrl.CrlKey}}}}}] so listeners refuse them.").Build();
        return new ClientCertificateAuthorityEvaluation(status, output, crl.RefreshAt(schedule));
    }

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    /// <summary>A status entry is only trusted as a serial: uppercase hex of at most 20 octets (and DER's sign octet).</summary>
    private static bool IsSerial(string? text) =>
        text is { Length: > 0 and <= SerialNumberText.MaxOctets * 2 } && text.Length % 2 == 0 && text.All(c => c is (>= '0' and <= '9') or (>= 'A' and <= 'F'));

    /// <summary>Every certificate of a revoked IssuedClientCertificate naming this CA that this CA signed and that has not expired.</summary>
    private static List<RevocationRequest> RevokedBy(ClientCertificateAuthority resource, string ns, X509Certificate2 ca, EvaluationContext context)
    {
        // ClientCertificateRevocations first (a serial listed twice keeps the first reason): what each names now and what its status
        // remembers. A serial whose certificate is unknown (not issued here, or its IssuedClientCertificate gone) stays until the CA
        // itself expires: no certificate it signed outlives it.
        var requests = new List<RevocationRequest>();
        var caNotAfter = new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        foreach (var revocation in Revocations.Naming(ns, resource.Metadata.Name, context.Lookup))
        {
            var reason = RevocationReasons.Parse(revocation.Spec.Reason) ?? X509RevocationReason.Unspecified;
            foreach (var entry in Revocations.Resolve(revocation, context.Lookup, context.Now).Entries)
            {
                requests.Add(new RevocationRequest(entry.Serial, entry.NotAfter ?? caNotAfter, reason, entry.IssuedCertificate));
            }
        }

        // Revoked IssuedClientCertificates: by spec.revoked, or whose status says they were (their revocation since deleted).
        foreach (var issued in context.Lookup.IssuedClientCertificatesIn(ns))
        {
            if (issued.Spec?.AuthorityRef?.Name != resource.Metadata.Name || !(issued.Spec.Revoked == true || Revocations.WasRevoked(issued.Status)))
            {
                continue;
            }

            var reason = RevocationReasons.Parse(issued.Spec.RevocationReason) ?? X509RevocationReason.Unspecified;
            foreach (var certificate in Revocations.HeldOf(issued, context.Lookup, context.Now).All.Where(c => c.IssuerName.RawData.AsSpan().SequenceEqual(ca.SubjectName.RawData)))
            {
                requests.Add(new RevocationRequest(certificate.SerialNumber, new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), reason, issued.Metadata.Name));
            }
        }

        return requests;
    }
}
