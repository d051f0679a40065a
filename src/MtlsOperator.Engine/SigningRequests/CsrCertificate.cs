using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Pki.Keys;

namespace MtlsOperator.Engine.SigningRequests;

/// <summary>What the CSR flow serves and keeps: the inspected certificate (or why there is none yet), the key Secret to write,
/// the flow's status and the keys clients may pin.</summary>
/// <param name="Inspection">The certificate brought back, inspected against the key it was signed for.</param>
/// <param name="Write">The key Secret to write, or null when it is current (or writing is not allowed here).</param>
/// <param name="Status">status.csr.</param>
/// <param name="Current">The current key, once generated.</param>
/// <param name="Next">The next key, once generated.</param>
internal sealed record CsrResolution(TlsInspection Inspection, V1Secret? Write, CsrStatus? Status, PrivateKey? Current, PrivateKey? Next);

/// <summary>The CSR flow of a ServerCertificate: keys generated once into the operator's own Secret, a request per key, and the
/// certificate brought back checked against the key, the requested names and the usages before it is served. A certificate for
/// the next key rotates the keys (it becomes current and a new next key is generated), so renewal never reuses a key.</summary>
internal static class CsrCertificate
{
    public static CsrResolution Resolve(ServerCertificate certificate, string ns, EvaluationContext context, TimeSpan expiryWarning)
    {
        var spec = certificate.Spec;
        var csr = spec.Csr!;
        var name = CsrKeys.SecretName(certificate);
        var existing = context.Lookup.FindSecret(ns, name);
        if (existing is not null && !OutputOwnership.IsOwnedBy(existing.Metadata, certificate))
        {
            return Failed(new CertificateProblem(ServerCertificateReasons.OutputConflict,
                $"Secret {ns}/{name} exists and is not managed by this ServerCertificate; the operator will not overwrite it (it would hold the " +
                "generated private key). Delete or rename that Secret."));
        }

        var algorithm = csr.KeyAlgorithm ?? KeyAlgorithm.Default;
        var content = SigningRequestContent.From(spec);
        var stored = CsrKeys.Read(existing);
        var signed = SignedSource.Read(csr, ns, context.Lookup, stored.Certificate);
        var candidates = signed.Bytes is { } bytes ? CertificateBundle.Read(bytes).Certificates : [];

        // A valid certificate for the next key rotates the keys; one for the current key keeps them.
        var current = stored.Current;
        var currentRequest = stored.CurrentRequest;
        var next = stored.Next;
        var nextRequest = stored.NextRequest;
        TlsInspection? inspection = null;
        if (next is not null && candidates.Any(c => next.Owns(c.PublicKey.ExportSubjectPublicKeyInfo())))
        {
            var renewed = Inspect(signed, next, spec, context.Now);
            if (renewed.IsServable || current is null || !candidates.Any(c => current.Owns(c.PublicKey.ExportSubjectPublicKeyInfo())))
            {
                inspection = renewed;
                if (renewed.IsServable)
                {
                    (current, currentRequest, next, nextRequest) = (next, nextRequest, null, null);
                }
            }
        }

        var forCurrent = current is not null && candidates.Any(c => current.Owns(c.PublicKey.ExportSubjectPublicKeyInfo()));

        // Before any certificate is signed for it, a key of another algorithm than asked is simply replaced: nothing serves with it.
        // One that serves stays until a certificate for the next key (of the new algorithm) is brought: that is a renewal.
        if (current is not null && current.Algorithm != algorithm && !forCurrent)
        {
            (current, currentRequest) = (null, null);
        }

        if (next is not null && next.Algorithm != algorithm)
        {
            (next, nextRequest) = (null, null);
        }

        if ((current is null || next is null) && !context.AllowBootstrapGeneration)
        {
            if (current is null)
            {
                return Failed(new CertificateProblem(ServerCertificateReasons.KeyPending,
                    $"The key for the signing request of ServerCertificate {ns}/{certificate.Metadata.Name} has not been generated yet; the operator " +
                    "generates it when it reconciles that ServerCertificate."));
            }
        }
        else
        {
            current ??= PrivateKey.Generate(algorithm);
            next ??= PrivateKey.Generate(algorithm);
        }

        currentRequest = SigningRequestPem.Fits(currentRequest, current, content) ? currentRequest! : SigningRequestPem.Build(current, content);
        if (next is not null)
        {
            nextRequest = SigningRequestPem.Fits(nextRequest, next, content) ? nextRequest! : SigningRequestPem.Build(next, content);
        }

        // Only the CertificateSigningRequest path stores the certificate itself (the API server deletes issued CSR objects after an hour).
        var keys = next is null ? null : new CsrKeys(current, currentRequest, next, nextRequest!, csr.SigningRequest is null ? null : stored.Certificate);
        var write = keys is not null && context.AllowBootstrapGeneration && !keys.StoredIn(existing) ? keys.ToSecret(certificate, ns) : null;

        var submitted = csr.SigningRequest is { } signingRequest && (context.AllowedSigners?.Contains(signingRequest.SignerName) ?? true);
        inspection ??= signed switch
        {
            { Bytes: null } when csr.SigningRequest is { } refused && !submitted => TlsInspection.Failed(SignerNotAllowed(refused.SignerName)),
            { Problem: { } problem } => TlsInspection.Failed(problem),
            { Bytes: null } => TlsInspection.Failed(Awaiting(certificate, ns, csr, signed.Missing)),
            _ when forCurrent => Inspect(signed, current, spec, context.Now),
            _ => TlsInspection.Failed(ForAnotherKey(signed.Source, candidates, current, next)),
        };

        var status = new CsrStatus
        {
            Request = currentRequest,
            KeyAlgorithm = current.Algorithm,
            KeySecretName = name,
            // Submitted until a certificate for it serves; afterwards only a renewal is submitted.
            SigningRequestName = submitted && !inspection.IsServable ? KubernetesSigningRequest.NameFor(ns, certificate.Metadata.Name, currentRequest) : null,
        };
        if (inspection is { IsServable: true, Leaf: { } leaf } && next is not null && nextRequest is not null
            && (RenewalWindow.IsDue(leaf, expiryWarning, context.Now) || current.Algorithm != algorithm))
        {
            status.Renewal = new CsrRenewalStatus
            {
                Request = nextRequest,
                CurrentNotAfter = leaf.NotAfter.ToUniversalTime(),
                SigningRequestName = submitted ? KubernetesSigningRequest.NameFor(ns, certificate.Metadata.Name, nextRequest) : null,
            };
        }

        return new CsrResolution(inspection, write, status, current, next);
    }

    /// <summary>The Ready message while nothing (usable) has come back yet: what to do, step by step.</summary>
    internal static CertificateProblem Awaiting(ServerCertificate certificate, string ns, CsrSpec csr, string? why)
    {
        var name = certificate.Metadata.Name;
        var bring = csr.SigningRequest is { } request
            ? $"The operator submitted it as a Kubernetes CertificateSigningRequest for signer {request.SignerName} (status.csr.signingRequestName); " +
              "approve it (kubectl certificate approve NAME) and let the signer issue it: the operator reads the certificate back."
            : csr.Certificate is { Secret: { } s }
                ? $"Put the signed certificate (leaf first, then intermediates) in key {s.Key} of Secret {ns}/{s.Name}: " +
                  $"kubectl create secret generic {s.Name} -n {ns} --from-file={s.Key}=signed.pem."
                : csr.Certificate is { ConfigMap: { } c }
                    ? $"Put the signed certificate (leaf first, then intermediates) in key {c.Key} of ConfigMap {ns}/{c.Name}: " +
                      $"kubectl create configmap {c.Name} -n {ns} --from-file={c.Key}=signed.pem."
                    : "Then set spec.csr.certificate to it (inline PEM, or a key of a Secret or ConfigMap in this namespace).";
        return new CertificateProblem(ServerCertificateReasons.AwaitingSignedCertificate,
            (why is null ? "" : why + " ") +
            $"Have your CA sign the request in status.csr.request (print it with `mtls-operator csr {name} -n {ns}`, or " +
            $"kubectl get servercertificate {name} -n {ns} -o jsonpath='{{.status.csr.request}}'). {bring} " +
            "The private key stays in the operator's Secret; the certificate is checked against it, the hostnames and the usages before it is served.");
    }

    private static CertificateProblem SignerNotAllowed(string signer) => new(ServerCertificateReasons.SignerNotAllowed,
        $"The operator is not allowed to submit CertificateSigningRequests to signer {signer}: it submits only to the signers an " +
        "administrator listed (chart value signingRequests.signerNames, flag --signing-request-signers). Ask for it to be listed, or have " +
        "the CA sign status.csr.request and bring the certificate through spec.csr.certificate instead.");

    private static TlsInspection Inspect(SignedSource signed, PrivateKey key, ServerCertificateSpec spec, DateTimeOffset now)
    {
        var inspection = TlsSecretInspector.Inspect(signed.Source, signed.Bytes!, Encoding.UTF8.GetBytes(key.Pem), signed.Chain, spec.Hostnames, now);
        if (inspection.Leaf is not { } leaf)
        {
            return inspection;
        }

        var missing = MissingAddresses(leaf, spec.Csr!).ToList();
        return missing.Count == 0
            ? inspection
            : inspection with
            {
                Problems = [.. inspection.Problems, new CertificateProblem(ServerCertificateReasons.SubjectAltNameMissing,
                    $"The certificate in {signed.Source} lacks the requested subjectAltName {string.Join(", ", missing)}. " +
                    "Have the CA sign status.csr.request with every requested name (openssl: -copy_extensions copy), or remove the name from spec.csr.")],
            };
    }

    private static IEnumerable<string> MissingAddresses(X509Certificate2 leaf, CsrSpec csr)
    {
        var san = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var ips = new HashSet<IPAddress>();
        var emails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (san is not null)
        {
            try
            {
                ips.UnionWith(san.EnumerateIPAddresses());
                emails.UnionWith(EmailsOf(san));
            }
            catch (CryptographicException)
            {
                // A malformed SAN presents nothing; every requested address is reported missing.
            }
        }

        foreach (var ip in csr.IpAddresses ?? [])
        {
            if (!ips.Contains(IPAddress.Parse(ip)))
            {
                yield return "IP:" + ip;
            }
        }

        foreach (var email in csr.EmailAddresses ?? [])
        {
            if (!emails.Contains(email))
            {
                yield return "email:" + email;
            }
        }
    }

    /// <summary>rfc822Name entries ([1] IA5String) of a subjectAltName; .NET enumerates only DNS names and IP addresses.</summary>
    private static IEnumerable<string> EmailsOf(X509Extension san)
    {
        var names = new System.Formats.Asn1.AsnReader(san.RawData, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var rfc822 = new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 1);
        var found = new List<string>();
        while (names.HasData)
        {
            if (names.PeekTag() == rfc822)
            {
                found.Add(names.ReadCharacterString(System.Formats.Asn1.UniversalTagNumber.IA5String, rfc822));
            }
            else
            {
                names.ReadEncodedValue();
            }
        }

        return found;
    }

    private static CertificateProblem ForAnotherKey(string source, ImmutableArray<X509Certificate2> candidates, PrivateKey? current, PrivateKey? next)
    {
        if (candidates.IsEmpty)
        {
            return new CertificateProblem(ServerCertificateReasons.InvalidCertificate,
                $"{source} holds no X.509 certificate. Put the signed certificate in PEM (BEGIN CERTIFICATE; leaf first, then intermediates) there.");
        }

        var leaf = candidates.FirstOrDefault(c => !CertificateAuthorityFacts.IsCertificateAuthority(c)) ?? candidates[0];
        var theirs = CertificateFingerprints.Of(leaf).SpkiSha256;
        var ours = string.Join(" or ", new[] { current, next }.OfType<PrivateKey>().Select(k => k.SpkiSha256));
        return new CertificateProblem(ServerCertificateReasons.SignedForAnotherKey,
            $"The certificate {Names.Of(leaf.SubjectName)} in {source} is for a key the operator did not generate (SPKI SHA-256 {theirs}; the " +
            $"operator's keys: {ours}): it was signed from another request. Have the CA sign status.csr.request (or status.csr.renewal.request " +
            "while a renewal is pending) and bring that certificate.");
    }

    private static CsrResolution Failed(CertificateProblem problem) => new(TlsInspection.Failed(problem), null, null, null, null);
}
