using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Controller.Caching;

/// <summary>
/// What the informer caches keep of each object (their <c>Transform</c>): everything the operator reads, less what it never does.
/// managedFields are dropped (a real API server sends them with every object; nothing here reads them, and a status or output
/// write without them leaves the server's unchanged); the strings every object repeats are shared, and so are the names and uids
/// objects repeat of each other (<see cref="NameTable"/>); and an output that only its owner reads (a listener's Secret, a
/// ServerCertificate's pins ConfigMap) is kept as metadata and a digest of its data.
/// </summary>
/// <remarks>An output some other resource reads (a reference, say, to a listener's Secret from a TrustBundle) stays whole. A
/// reference made after the output was cached is caught by <c>ClusterCache.FetchMissingAsync</c>, which reads the output again in
/// full before the referrer is evaluated.</remarks>
internal sealed class CachedForm(ReferenceIndex references, NameTable names)
{
    /// <summary>Label and annotation values up to this length are shared: the operator's own (managed-by, owner kind, generation) and
    /// most people's (app, tier, "true") are short; names and hashes are longer and nearly always distinct.</summary>
    private const int SharedValueLength = 16;

    private readonly StringPool _strings = new();

    /// <summary>Longer text many resources repeat word for word: condition messages ("Nothing needs a person's attention.", the
    /// chain a certificate reaches, named by its issuer) and the issuer and CA subjects in a ServerCertificate's status — a thousand
    /// certificates from one CA say the same. A pool of its own, so that the messages that are one resource's alone (an expiry
    /// time) do not push the short strings above out of theirs.</summary>
    private readonly StringPool _texts = new();

    /// <summary>A custom resource: metadata trimmed; its conditions' type, status, reason and message shared, and the status and
    /// spec values that resources of its kind repeat.</summary>
    public T Resource<T>(T resource) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        Trim(resource);
        // Custom resources own outputs, whose owner references repeat their uid; a Secret's or ConfigMap's own uid nothing repeats.
        resource.Metadata?.Uid = names.Share(resource.Metadata.Uid);
        if ((resource as IOperatorResource)?.StatusValue is IResourceStatus { Conditions: { } conditions })
        {
            foreach (var condition in conditions)
            {
                // A status is anyone's to write who may write the subresource, nulls and all; a transform that throws would stall
                // the cache, so every step here is null-tolerant.
                condition?.Type = _strings.Share(condition.Type);
                condition?.Status = _strings.Share(condition.Status);
                condition?.Reason = _strings.Share(condition.Reason);
                condition?.Message = _texts.Share(condition.Message);
            }
        }

        switch (resource)
        {
            case ServerCertificate certificate:
                certificate.Spec?.SecretRef?.Name = names.Share(certificate.Spec.SecretRef.Name)!;
                ShareStatus(certificate.Status, certificate.Spec?.Hostnames);
                break;
            case MtlsListener { Spec: { } spec } listener:
                spec.Proxy = _strings.Share(spec.Proxy)!;
                // Listeners share their policy; their certificates are their own, named by the certificates' own names.
                spec.ClientAuthPolicyRef?.Name = _texts.Share(spec.ClientAuthPolicyRef.Name)!;
                foreach (var reference in spec.ServerCertificateRefs ?? [])
                {
                    reference?.Name = names.Share(reference.Name)!;
                }

                listener.Status?.OutputSecret = names.Share(listener.Status.OutputSecret);
                break;
        }

        return resource;
    }

    /// <summary>A Secret: trimmed, and only a digest of its data when it is a listener's output that nothing else reads.</summary>
    public V1Secret Secret(V1Secret secret)
    {
        if (secret is DigestedSecret)
        {
            return secret;
        }

        Trim(secret);
        // Items of a built-in kind's list carry no kind or apiVersion (a watch event and a GET do): without these, one object
        // would be cached in two forms depending on whether it was listed or watched.
        secret.ApiVersion ??= V1Secret.KubeApiVersion;
        secret.Kind ??= V1Secret.KubeKind;
        secret.Type = _strings.Share(secret.Type);
        if (IsOnlyOwnersOutput(secret, MtlsListener.KindName, _ => true))
        {
            return new DigestedSecret(secret);
        }

        secret.Data = ShareKeys(secret.Data);
        return secret;
    }

    /// <summary>A ConfigMap: trimmed, and only a digest of its data when it is a ServerCertificate's pins that nothing else reads.</summary>
    public V1ConfigMap ConfigMap(V1ConfigMap configMap)
    {
        if (configMap is DigestedConfigMap)
        {
            return configMap;
        }

        Trim(configMap);
        configMap.ApiVersion ??= V1ConfigMap.KubeApiVersion;
        configMap.Kind ??= V1ConfigMap.KubeKind;
        return IsOnlyOwnersOutput(configMap, ServerCertificate.KindName, owner => configMap.Metadata.Name == owner + ResourceReferences.PinsConfigMapSuffix)
            ? new DigestedConfigMap(configMap)
            : configMap;
    }

    /// <summary>Whether <paramref name="cached"/> was cached as a digest: what reads its data must read it in full first.</summary>
    public static bool IsDigest(object? cached) => cached is DigestedSecret or DigestedConfigMap;

    /// <summary>Managed by this operator for an owner of <paramref name="ownerKind"/> and referenced by no other resource.</summary>
    private bool IsOnlyOwnersOutput(IKubernetesObject<V1ObjectMeta> o, string ownerKind, Func<string, bool> isOutputOf)
    {
        var labels = o.Metadata.Labels;
        if (!ClusterCache.IsManaged(o.Metadata) || !labels.TryGetValue(OutputMetadata.OwnerKindLabel, out var kind) || kind != ownerKind
            || !labels.TryGetValue(OutputMetadata.OwnerNameLabel, out var name) || !isOutputOf(name))
        {
            return false;
        }

        var ns = o.Metadata.NamespaceProperty ?? "";
        var key = ResourceKey.Of(o);
        return references.OnlyReferrerIs(key, new ResourceKey(ownerKind, ns, name));
    }

    /// <summary>The data with its keys (tls.crt, tls.key, ca.crt: the same in every Secret of a type) shared, in a compact map
    /// when it has few.</summary>
    private IDictionary<string, byte[]>? ShareKeys(IDictionary<string, byte[]>? data)
    {
        if (data is null || data.Count == 0)
        {
            return data;
        }

        if (data.Count <= CompactMap<byte[]>.MaxEntries)
        {
            return new CompactMap<byte[]>(data, key => _strings.Share(key)!, static (_, value) => value);
        }

        var shared = new Dictionary<string, byte[]>(data.Count, StringComparer.Ordinal);
        foreach (var (key, value) in data)
        {
            shared[_strings.Share(key)!] = value;
        }

        return shared;
    }

    /// <summary>The text a ServerCertificate's status shares with its siblings' (issuer, CA subjects, pin roles and algorithms), and
    /// with its own spec and metadata: the DNS names it was asked for, the leaf's subject both as itself and first in the chain, the
    /// pins ConfigMap's name.</summary>
    private void ShareStatus(ServerCertificateStatus? status, List<string>? hostnames)
    {
        if (status is null)
        {
            return;
        }

        status.Issuer = _texts.Share(status.Issuer);
        status.PinsConfigMapName = names.Share(status.PinsConfigMapName);
        var chain = status.Chain ?? [];
        if (chain.Count > 0 && string.Equals(chain[0], status.Subject, StringComparison.Ordinal))
        {
            chain[0] = status.Subject!;
        }

        // The first subject is the leaf's own; the rest are the CAs it shares with its siblings.
        for (var i = 1; i < chain.Count; i++)
        {
            chain[i] = _texts.Share(chain[i])!;
        }

        var dnsNames = status.DnsNames ?? [];
        for (var i = 0; i < dnsNames.Count && hostnames is not null; i++)
        {
            foreach (var asked in hostnames)
            {
                if (asked is not null && string.Equals(asked, dnsNames[i], StringComparison.Ordinal))
                {
                    dnsNames[i] = asked;
                    break;
                }
            }
        }

        foreach (var pin in status.Pins ?? [])
        {
            pin?.Role = _strings.Share(pin.Role)!;
            pin?.KeyAlgorithm = _strings.Share(pin.KeyAlgorithm)!;
        }
    }

    private void Trim(IKubernetesObject<V1ObjectMeta> o)
    {
        o.ApiVersion = _strings.Share(o.ApiVersion);
        o.Kind = _strings.Share(o.Kind);
        if (o.Metadata is not { } meta)
        {
            return;
        }

        meta.ManagedFields = null;
        meta.Name = names.Share(meta.Name);
        meta.NamespaceProperty = _strings.Share(meta.NamespaceProperty);
        // The owner's name goes to the name table rather than the short-string pool, which it would fill with a name per output.
        meta.Labels = _strings.Share(meta.Labels, static (k, v) => (v.Length <= SharedValueLength && k != OutputMetadata.OwnerNameLabel) || k == OutputMetadata.OwnerKindLabel);
        if (meta.Labels is { } labels && labels.TryGetValue(OutputMetadata.OwnerNameLabel, out var ownerName))
        {
            labels[OutputMetadata.OwnerNameLabel] = names.Share(ownerName)!;
        }

        meta.Annotations = _strings.Share(meta.Annotations, static (_, v) => v.Length <= SharedValueLength);
        foreach (var owner in meta.OwnerReferences ?? [])
        {
            owner.ApiVersion = _strings.Share(owner.ApiVersion);
            owner.Kind = _strings.Share(owner.Kind);
            owner.Name = names.Share(owner.Name);
            owner.Uid = names.Share(owner.Uid);
        }
    }
}
