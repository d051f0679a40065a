using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Issuance;

/// <summary>Result of evaluating an <see cref="IssuedClientCertificate"/>: its status and the Secret to write (null: leave it as it is).</summary>
public sealed record IssuedClientCertificateEvaluation(IssuedClientCertificateStatus Status, V1Secret? Output);

/// <summary>Issues, keeps and renews the client certificate of an <see cref="IssuedClientCertificate"/>. Keeps the certificate in its Secret
/// while it still fits (steady state: no write); issues a new one when it is missing, due for renewal, or no longer what the spec and the
/// CA say; keeps earlier certificates that have not expired (overlap and revocation cover them). A revoked one (spec.revoked, or a
/// ClientCertificateRevocation naming it or its current certificate) is never renewed, and stays revoked.</summary>
public sealed class IssuedClientCertificateEvaluator
{
    public IssuedClientCertificateEvaluation Evaluate(IssuedClientCertificate resource, EvaluationContext context)
    {
        var ns = resource.Metadata.NamespaceProperty ?? "default";
        var spec = resource.Spec;
        var now = context.Now;
        var secretName = IssuedSecretData.SecretNameOf(resource);
        var conditions = new ConditionSet(resource.Status?.Conditions, resource.Metadata.Generation, now);
        var existing = context.Lookup.FindSecret(ns, secretName);
        var held = existing is not null && OutputOwnership.IsOwnedBy(existing.Metadata, resource) ? HeldCertificates.Read(existing, now) : HeldCertificates.None;
        var revoked = Revocations.IsRevoked(resource, held, context.Lookup);
        var status = StatusOf(resource, secretName, held, revoked, now);

        IssuedClientCertificateEvaluation Fail(string reason, string message)
        {
            status.Conditions = conditions.Set(ConditionTypes.Ready, false, reason, message).Build();
            return new IssuedClientCertificateEvaluation(status, null);
        }

        if (existing is not null && !OutputOwnership.IsOwnedBy(existing.Metadata, resource))
        {
            return Fail(ServerCertificateReasons.OutputConflict,
                $"Secret {ns}/{secretName} exists and is not managed by this IssuedClientCertificate; the operator will not overwrite it. Delete or rename it, or set spec.secretName.");
        }

        if (IssuedCertificateSpecCheck.Check(spec, out var specProblem) is not { } request)
        {
            return Fail(EvaluationGuard.InvalidSpec, specProblem!);
        }

        if (!string.IsNullOrEmpty(spec.AuthorityRef.Namespace) && spec.AuthorityRef.Namespace != ns)
        {
            return Fail(DataSourceReasons.CrossNamespaceReference,
                $"spec.authorityRef points to {spec.AuthorityRef.Namespace}/{spec.AuthorityRef.Name}, outside namespace {ns}; references never cross namespaces.");
        }

        var authority = context.Lookup.FindClientCertificateAuthority(ns, spec.AuthorityRef.Name);
        if (revoked)
        {
            return Revoked(resource, authority, held, status, conditions, context);
        }

        if (authority is null)
        {
            return Fail(IssuanceReasons.AuthorityNotFound, $"ClientCertificateAuthority {ns}/{spec.AuthorityRef.Name} does not exist; create it or fix spec.authorityRef.name.");
        }

        var caSecret = context.Lookup.FindSecret(ns, authority.Spec.SecretRef.Name);
        string? caProblem = null;
        using var ca = caSecret is null ? null : AuthorityKeyPair.Read(caSecret, now, out caProblem);
        if (ca is null)
        {
            return Fail(IssuanceReasons.AuthorityNotReady, $"ClientCertificateAuthority {spec.AuthorityRef.Name} cannot sign: " +
                (caSecret is null ? $"its Secret {authority.Spec.SecretRef.Name} does not exist." : caProblem!));
        }

        string? password = null;
        if (spec.Pkcs12 is { } p12)
        {
            var read = DataSourceReader.Read(new DataSource { Secret = p12.PasswordSecretRef }, "spec.pkcs12.passwordSecretRef", ns, context.Lookup);
            if (read.Bytes is not { } bytes)
            {
                return Fail(read.Reason!, read.Message!);
            }

            password = Encoding.UTF8.GetString(bytes).TrimEnd('\r', '\n');
        }

        var issuedFor = IssuedFor(ca, request);
        var revokedOutOfBand = PublishedCrl.Of(authority, context.Lookup)?.RevokedSerials.Contains(held.Current?.SerialNumber ?? "") == true;
        var keep = held is { Current: { } c, KeyPem: not null }
            && existing!.Metadata.Annotations is { } annotations && annotations.TryGetValue(IssuedSecretData.IssuedForAnnotation, out var was) && was == issuedFor
            && now < RenewalTime(c, spec)
            && new DateTimeOffset(c.NotAfter.ToUniversalTime()) > now
            && !revokedOutOfBand;
        var current = held;
        if (!keep)
        {
            var issued = ClientCertificateIssuer.Issue(ca, request, now);
            current = new HeldCertificates(issued.Certificate, issued.KeyPem, [.. held.All.Where(x => new DateTimeOffset(x.NotAfter.ToUniversalTime()) > now)]);
        }

        current = current with { Previous = [.. current.Previous.Take(ApiLimits.StatusIssued - 1)] };
        var secret = SecretFor(resource, ns, secretName, current, ca, issuedFor, password, spec.Pkcs12, existing);
        status = StatusOf(resource, secretName, current, revoked: false, now);
        var leaf = current.Current!;
        status.Conditions = conditions.Set(ConditionTypes.Ready, true, IssuanceReasons.Issued,
            $"Certificate {leaf.SerialNumber} for \"{status.Subject}\" is in Secret {secretName}, valid until {Format(leaf.NotAfter)}; " +
            $"the next one is issued at {Format(status.RenewalTime!.Value)}." +
            (current.Previous.Count > 0 ? $" {Wording.Count(current.Previous.Count, "earlier certificate")} still valid." : "")).Build();
        return new IssuedClientCertificateEvaluation(status, secret);
    }

    /// <summary>When the next certificate is issued.</summary>
    public static DateTimeOffset RenewalTime(X509Certificate2 certificate, IssuedClientCertificateSpec spec)
    {
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        var lifetime = notAfter - new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        return notAfter - IssuedCertificateSpecCheck.RenewBefore(spec, lifetime);
    }

    private static IssuedClientCertificateEvaluation Revoked(IssuedClientCertificate resource, ClientCertificateAuthority? authority, HeldCertificates held,
        IssuedClientCertificateStatus status, ConditionSet conditions, EvaluationContext context)
    {
        var serials = held.All.Select(c => c.SerialNumber).ToList();
        var crl = authority is null ? null : PublishedCrl.Of(authority, context.Lookup);
        var missing = serials.Where(s => crl?.RevokedSerials.Contains(s) != true).ToList();
        string reason, message;
        if (serials.Count == 0)
        {
            (reason, message) = (IssuanceReasons.Revoked, "Revoked before any certificate was issued; nothing was issued and nothing will be.");
        }
        else if (missing.Count == 0)
        {
            (reason, message) = (IssuanceReasons.Revoked,
                $"Revoked: {string.Join(", ", serials)} on CRL number {crl!.Extensions.Number} of ClientCertificateAuthority {authority!.Metadata.Name}. " +
                "Revocation is final; create a new IssuedClientCertificate to issue again.");
        }
        else
        {
            var who = authority is null ? $"ClientCertificateAuthority {resource.Spec.AuthorityRef.Name} (which does not exist)" : $"ClientCertificateAuthority {authority.Metadata.Name}";
            (reason, message) = (IssuanceReasons.RevocationPending, $"Revoked; waiting for {who} to publish a CRL listing {string.Join(", ", missing)}.");
        }

        status.Revoked = missing.Count == 0;
        status.Conditions = conditions.Set(ConditionTypes.Ready, false, reason, message).Build();
        return new IssuedClientCertificateEvaluation(status, null);
    }

    private static V1Secret SecretFor(IssuedClientCertificate resource, string ns, string name, HeldCertificates held, AuthorityKeyPair ca, string issuedFor,
        string? password, Pkcs12Spec? pkcs12, V1Secret? existing)
    {
        var leaf = held.Current!;
        var chain = new[] { ca.Certificate }.Concat(ca.Chain).ToList();
        var sent = chain.Where(c => !c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData)).ToList();
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [IssuedSecretData.Certificate] = Pem(sent.Prepend(leaf)),
            [IssuedSecretData.PrivateKey] = Encoding.UTF8.GetBytes(held.KeyPem!),
            [IssuedSecretData.CaCertificate] = Pem(chain),
        };
        if (held.Previous.Count > 0)
        {
            data[IssuedSecretData.Previous] = Pem(held.Previous);
        }

        if (pkcs12 is not null)
        {
            var key = string.IsNullOrEmpty(pkcs12.Key) ? IssuedSecretData.DefaultPkcs12 : pkcs12.Key;
            var before = existing?.Data is { } old && old.TryGetValue(key, out var b) ? b : null;
            data[key] = before is not null && Pkcs12File.Holds(before, password!, leaf) ? before : Pkcs12File.Export(leaf, held.KeyPem!, sent, password!);
        }

        var meta = OutputOwnership.MetadataFor(name, resource);
        meta.NamespaceProperty = ns;
        meta.Annotations[IssuedSecretData.IssuedForAnnotation] = issuedFor;
        return new V1Secret { ApiVersion = "v1", Kind = V1Secret.KubeKind, Metadata = meta, Type = TlsSecretInspector.TlsSecretType, Data = data };
    }

    private static IssuedClientCertificateStatus StatusOf(IssuedClientCertificate resource, string secretName, HeldCertificates held, bool revoked, DateTimeOffset now)
    {
        var status = new IssuedClientCertificateStatus
        {
            ObservedGeneration = resource.Metadata.Generation,
            SecretName = secretName,
            Revoked = false,
        };
        if (held.Current is { } leaf)
        {
            status.Subject = Names.Of(leaf.SubjectName);
            status.SerialNumber = leaf.SerialNumber;
            status.NotAfter = leaf.NotAfter.ToUniversalTime();
            status.Sha256Thumbprint = CertificateFingerprints.Of(leaf).Sha256;
            status.RenewalTime = revoked ? null : RenewalTime(leaf, resource.Spec).UtcDateTime;
        }

        var overlap = resource.Spec.Overlap != "None";
        status.Certificates = [.. held.All.Select((c, i) => new IssuedCertificateEntryStatus
        {
            SerialNumber = c.SerialNumber,
            Sha256Thumbprint = CertificateFingerprints.Of(c).Sha256,
            NotAfter = c.NotAfter.ToUniversalTime(),
            State = revoked ? "Revoked" : i == 0 && held.Current is not null ? "Current" : overlap ? "Previous" : "Retired",
        })];
        return status;
    }

    /// <summary>What the current certificate was issued for; any change (another CA, subject, names, key algorithm, validity) issues anew.</summary>
    private static string IssuedFor(AuthorityKeyPair ca, ClientCertificateRequest request)
    {
        var text = string.Join('\n',
            CertificateFingerprints.Of(ca.Certificate).Sha256,
            Convert.ToHexString(request.Subject.RawData),
            string.Join(',', request.DnsNames), string.Join(',', request.Uris), string.Join(',', request.EmailAddresses),
            request.KeyAlgorithm, request.Validity.TotalDays.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    private static byte[] Pem(IEnumerable<X509Certificate2> certificates) =>
        Encoding.UTF8.GetBytes(string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));

    private static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static string Format(DateTime t) => Format(new DateTimeOffset(DateTime.SpecifyKind(t.ToUniversalTime(), DateTimeKind.Utc)));
}
