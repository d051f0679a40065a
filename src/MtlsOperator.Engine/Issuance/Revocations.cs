using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Engine.Issuance;

/// <summary>One certificate a ClientCertificateRevocation puts on its CA's CRL.</summary>
/// <param name="Serial">Canonical hex (<see cref="SerialNumberText"/>).</param>
/// <param name="NotAfter">End of the certificate's validity, when known.</param>
/// <param name="IssuedCertificate">The IssuedClientCertificate it belongs to, when known.</param>
public sealed record RevokedSerial(string Serial, DateTimeOffset? NotAfter, string? IssuedCertificate);

/// <summary>What a ClientCertificateRevocation names, resolved against the namespace now and what its status remembers.</summary>
/// <param name="Entries">The certificates to list, one per serial.</param>
/// <param name="Issued">The IssuedClientCertificate of issuedCertificateRef, when it exists and belongs to the CA.</param>
/// <param name="Problems">What could not be resolved; nothing listed is ever dropped because of another entry's problem.</param>
public sealed record RevocationTargets(IReadOnlyList<RevokedSerial> Entries, IssuedClientCertificate? Issued, IReadOnlyList<RevocationProblem> Problems);

/// <summary>What kind of thing a ClientCertificateRevocation names that cannot be revoked.</summary>
public enum RevocationProblemKind
{
    /// <summary>A reference to another namespace.</summary>
    CrossNamespace,

    /// <summary>issuedCertificateRef names an IssuedClientCertificate that does not exist, and nothing is remembered of it.</summary>
    IssuedCertificateNotFound,

    /// <summary>issuedCertificateRef names an IssuedClientCertificate of another CA.</summary>
    AuthorityMismatch,

    /// <summary>A serialNumbers entry is not a serial number.</summary>
    InvalidSerial,
}

/// <summary>One thing a ClientCertificateRevocation names that cannot be revoked, and what to do.</summary>
public sealed record RevocationProblem(RevocationProblemKind Kind, string Message);

/// <summary>Reads ClientCertificateRevocations: what each puts on a CRL, and whether an IssuedClientCertificate is revoked by one. Shared by
/// the CA (its CRL), the IssuedClientCertificate (no renewal once revoked) and pins by reference, so all three agree.</summary>
public static class Revocations
{
    /// <summary>The revocations of <paramref name="ns"/> naming the CA <paramref name="authority"/>.</summary>
    public static IEnumerable<ClientCertificateRevocation> Naming(string ns, string authority, IResourceLookup lookup) =>
        lookup.ClientCertificateRevocationsIn(ns).Where(r => r.Spec?.AuthorityRef is { } a && a.Name == authority && InNamespace(a, ns));

    /// <summary>Everything <paramref name="revocation"/> lists now: the certificates of its IssuedClientCertificate (when it belongs to the
    /// CA), its serial numbers, and every certificate its status remembers (which outlives the IssuedClientCertificate).</summary>
    public static RevocationTargets Resolve(ClientCertificateRevocation revocation, IResourceLookup lookup, DateTimeOffset now)
    {
        var ns = revocation.Metadata.NamespaceProperty ?? "default";
        var spec = revocation.Spec;
        var authority = spec.AuthorityRef?.Name ?? "";
        var entries = new Dictionary<string, RevokedSerial>(StringComparer.Ordinal);
        var problems = new List<RevocationProblem>();
        void Add(RevokedSerial entry)
        {
            // What is known of a certificate wins over a bare serial: its expiry lets the entry leave the CRL in time.
            if (!entries.TryGetValue(entry.Serial, out var known) || (known.NotAfter is null && entry.NotAfter is not null))
            {
                entries[entry.Serial] = entry with { IssuedCertificate = entry.IssuedCertificate ?? known?.IssuedCertificate };
            }
        }

        IssuedClientCertificate? issued = null;
        if (spec.IssuedCertificateRef is { } reference)
        {
            var found = InNamespace(reference, ns) ? lookup.FindIssuedClientCertificate(ns, reference.Name) : null;
            if (!InNamespace(reference, ns))
            {
                problems.Add(new(RevocationProblemKind.CrossNamespace,
                    $"spec.issuedCertificateRef points to {reference.Namespace}/{reference.Name}, outside namespace {ns}; references never cross namespaces."));
            }
            else if (found is null)
            {
                if ((revocation.Status?.Certificates ?? []).Count == 0)
                {
                    problems.Add(new(RevocationProblemKind.IssuedCertificateNotFound,
                        $"IssuedClientCertificate {ns}/{reference.Name} does not exist, and this revocation has not seen it. If it was deleted, revoke its " +
                        "certificates by spec.serialNumbers (its last status.certificates, or `openssl x509 -noout -serial -in tls.crt`)."));
                }
            }
            else if (found.Spec?.AuthorityRef?.Name != authority)
            {
                problems.Add(new(RevocationProblemKind.AuthorityMismatch,
                    $"IssuedClientCertificate {reference.Name} is issued by ClientCertificateAuthority {found.Spec?.AuthorityRef?.Name}, not {authority}; " +
                    "nothing of it is revoked. Create a ClientCertificateRevocation naming its own CA."));
            }
            else
            {
                issued = found;
                foreach (var certificate in HeldOf(found, lookup, now).All)
                {
                    Add(new RevokedSerial(SerialNumberText.Canonical(certificate.SerialNumber), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), found.Metadata.Name));
                }
            }
        }

        // Every certificate the CA's IssuedClientCertificates hold, by serial: read once, and only when serials are given.
        Dictionary<string, (X509Certificate2 Certificate, string Issued)>? known = null;
        Dictionary<string, (X509Certificate2 Certificate, string Issued)> Known() =>
            known ??= lookup.IssuedClientCertificatesIn(ns).Where(c => c.Spec?.AuthorityRef?.Name == authority)
                .SelectMany(c => HeldOf(c, lookup, now).All.Select(x => (Serial: SerialNumberText.Canonical(x.SerialNumber), x, c.Metadata.Name)))
                .GroupBy(e => e.Serial, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (g.First().x, g.First().Name), StringComparer.Ordinal);
        for (var i = 0; i < (spec.SerialNumbers ?? []).Count; i++)
        {
            if (SerialNumberText.Normalize(spec.SerialNumbers![i], out var problem) is not { } serial)
            {
                problems.Add(new(RevocationProblemKind.InvalidSerial, $"spec.serialNumbers[{i}] {problem}."));
                continue;
            }

            // A serial of a certificate the operator issued gets that certificate's expiry; any other stays until the CA expires.
            Add(Known().TryGetValue(serial, out var holder)
                ? new RevokedSerial(serial, new DateTimeOffset(holder.Certificate.NotAfter.ToUniversalTime()), holder.Issued)
                : new RevokedSerial(serial, null, null));
        }

        // What the status remembers, less the nulls anyone who may write the status subresource could leave in it.
        foreach (var remembered in (revocation.Status?.Certificates ?? []).OfType<RevocationEntryStatus>())
        {
            if (SerialNumberText.Normalize(remembered.SerialNumber, out _) is { } serial)
            {
                Add(new RevokedSerial(serial, remembered.NotAfter is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null,
                    issued?.Metadata.Name ?? spec.IssuedCertificateRef?.Name));
            }
        }

        var live = entries.Values.Where(e => e.NotAfter is not { } end || end > now).OrderBy(e => e.Serial, StringComparer.Ordinal).ToList();
        return new RevocationTargets(live, issued, problems);
    }

    /// <summary>The revocation that revokes <paramref name="issued"/> as a whole: it names it, or lists its current certificate's serial.</summary>
    public static ClientCertificateRevocation? RevokingOf(IssuedClientCertificate issued, HeldCertificates held, IResourceLookup lookup)
    {
        var ns = issued.Metadata.NamespaceProperty ?? "default";
        var current = held.Current is { } c ? SerialNumberText.Canonical(c.SerialNumber) : null;
        return Naming(ns, issued.Spec?.AuthorityRef?.Name ?? "", lookup).FirstOrDefault(r =>
            (r.Spec.IssuedCertificateRef is { } reference && reference.Name == issued.Metadata.Name && InNamespace(reference, ns))
            || (current is not null && ((r.Spec.SerialNumbers ?? []).Any(s => SerialNumberText.Normalize(s, out _) == current)
                || (r.Status?.Certificates ?? []).Any(e => e is not null && SerialNumberText.Normalize(e.SerialNumber, out _) == current))));
    }

    /// <summary>Whether <paramref name="issued"/> is revoked: by its spec, by a ClientCertificateRevocation, or — final — because its status
    /// already says so (a revocation deleted afterwards never brings it back, nor lets it be renewed).</summary>
    public static bool IsRevoked(IssuedClientCertificate issued, HeldCertificates held, IResourceLookup lookup) =>
        issued.Spec?.Revoked == true || WasRevoked(issued.Status) || RevokingOf(issued, held, lookup) is not null;

    /// <summary>The status of a revoked IssuedClientCertificate: revoked, or waiting for the CRL (its certificates marked Revoked).</summary>
    public static bool WasRevoked(IssuedClientCertificateStatus? status) =>
        status is not null && (status.Revoked || status.Certificates.Any(c => c.State == "Revoked"));

    /// <summary>The certificates an IssuedClientCertificate's own Secret holds (none when the Secret is someone else's).</summary>
    public static HeldCertificates HeldOf(IssuedClientCertificate issued, IResourceLookup lookup, DateTimeOffset now)
    {
        var secret = lookup.FindSecret(issued.Metadata.NamespaceProperty ?? "default", IssuedSecretData.SecretNameOf(issued));
        return secret is not null && OutputOwnership.IsOwnedBy(secret.Metadata, issued) ? HeldCertificates.Read(secret, now) : HeldCertificates.None;
    }

    private static bool InNamespace(ObjectReference reference, string ns) => string.IsNullOrEmpty(reference.Namespace) || reference.Namespace == ns;
}
