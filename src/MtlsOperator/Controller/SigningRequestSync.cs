using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.SigningRequests;
using MtlsOperator.Runtime;

namespace MtlsOperator.Controller;

/// <summary>The shell of <c>spec.csr.signingRequest</c>: submits the requests the engine put in status as Kubernetes
/// CertificateSigningRequests, and copies an issued certificate into the ServerCertificate's key Secret (<c>tls.crt</c>), where the
/// engine checks it like any brought certificate. CertificateSigningRequests are cluster-scoped, so they carry labels, not an
/// owner reference; the API server garbage-collects them itself (an hour after issuance, a day when pending).</summary>
internal sealed partial class SigningRequestSync(IKubernetes client, ClusterCache cache, EventRecorder events, TimeSpan pollPeriod, ILogger logger)
{
    private const string Approved = "Approved";
    private const string Denied = "Denied";
    private const string Failed = "Failed";

    /// <summary>Objects already reported denied or failed, so the Warning Event is a transition, not one per poll.</summary>
    private readonly ConcurrentDictionary<string, byte> _reported = new(StringComparer.Ordinal);

    /// <summary>Submits what is missing and brings back what was issued; returns when to look again (while a request is pending).</summary>
    public async Task<TimeSpan?> SyncAsync(ServerCertificate certificate, ServerCertificateStatus status, CancellationToken cancellationToken)
    {
        if (certificate.Spec?.Csr?.SigningRequest is not { } spec || status.Csr is not { } csr)
        {
            return null;
        }

        var pending = false;
        foreach (var (name, request) in KubernetesSigningRequest.Pending(csr))
        {
            var existing = await ReadAsync(name, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                await CreateAsync(certificate, spec, csr.KeyAlgorithm, name, request, cancellationToken).ConfigureAwait(false);
                pending = true;
                continue;
            }

            if ((ConditionOf(existing, Denied) ?? ConditionOf(existing, Failed)) is { } refusal)
            {
                if (_reported.TryAdd(name, 0))
                {
                    await events.RecordAsync(certificate, "Warning", "SigningRequestDenied",
                        $"CertificateSigningRequest {name} was {refusal.Type.ToLowerInvariant()} ({refusal.Reason}: {refusal.Message}). Fix what the signer " +
                        "objected to; a changed request gets a new CertificateSigningRequest.", cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            if (existing.Status?.Certificate is { Length: > 0 } issued && ConditionOf(existing, Approved) is not null)
            {
                // The first issued one wins: the renewal's, when both are (it is listed first).
                await StoreAsync(certificate, csr.KeySecretName, issued, cancellationToken).ConfigureAwait(false);
                return null;
            }

            pending = true;
        }

        return pending ? pollPeriod : null;
    }

    private async Task<V1CertificateSigningRequest?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CertificatesV1.ReadCertificateSigningRequestAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task CreateAsync(ServerCertificate certificate, CsrSigningRequestSpec spec, string? keyAlgorithm, string name, string request, CancellationToken cancellationToken)
    {
        var body = new V1CertificateSigningRequest
        {
            ApiVersion = "certificates.k8s.io/v1",
            Kind = "CertificateSigningRequest",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                Labels = new Dictionary<string, string>
                {
                    [OutputMetadata.ManagedByLabel] = OutputMetadata.ManagedByValue,
                    [OutputMetadata.OwnerKindLabel] = ServerCertificate.KindName,
                    [OutputMetadata.OwnerNameLabel] = certificate.Metadata.Name,
                    [KubernetesSigningRequest.OwnerNamespaceLabel] = certificate.Metadata.NamespaceProperty ?? "default",
                },
            },
            Spec = new V1CertificateSigningRequestSpec
            {
                Request = System.Text.Encoding.UTF8.GetBytes(request),
                SignerName = spec.SignerName,
                Usages = [.. KubernetesSigningRequest.UsagesFor(keyAlgorithm)],
                ExpirationSeconds = spec.ExpirationSeconds,
            },
        };
        try
        {
            await client.CertificatesV1.CreateCertificateSigningRequestAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogSigningRequestCreated(logger, name, certificate.Metadata.NamespaceProperty, certificate.Metadata.Name);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Created meanwhile (by this operator's previous term): the next poll reads it.
        }
    }

    /// <summary>Puts the issued certificate in the key Secret's tls.crt, unless it is there already; the Secret's watch event
    /// re-queues the ServerCertificate, whose evaluation checks it.</summary>
    private async Task StoreAsync(ServerCertificate certificate, string? secretName, byte[] issued, CancellationToken cancellationToken)
    {
        var ns = certificate.Metadata.NamespaceProperty ?? "default";
        if (secretName is null || cache.Secrets.Cache.Get(new ObjectKey(ns, secretName)) is not { } live
            || !OutputOwnership.IsOwnedBy(live.Metadata, certificate))
        {
            return;
        }

        if (live.Data is { } data && data.TryGetValue(KubernetesSigningRequest.StoredCertificateKey, out var stored) && stored.AsSpan().SequenceEqual(issued))
        {
            return;
        }

        var update = KubernetesJson.Deserialize<V1Secret>(KubernetesJson.Serialize(live));
        update.Data ??= new Dictionary<string, byte[]>();
        update.Data[KubernetesSigningRequest.StoredCertificateKey] = issued;
        await client.CoreV1.ReplaceNamespacedSecretAsync(update, secretName, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        LogCertificateStored(logger, ns, secretName);
    }

    private static V1CertificateSigningRequestCondition? ConditionOf(V1CertificateSigningRequest request, string type) =>
        request.Status?.Conditions?.FirstOrDefault(c => c?.Type == type && c.Status == "True");

    [LoggerMessage(Level = LogLevel.Information, Message = "Created CertificateSigningRequest {Name} for ServerCertificate {Namespace}/{Owner}")]
    private static partial void LogSigningRequestCreated(ILogger logger, string name, string? @namespace, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored the issued certificate in Secret {Namespace}/{Name}")]
    private static partial void LogCertificateStored(ILogger logger, string @namespace, string name);
}
