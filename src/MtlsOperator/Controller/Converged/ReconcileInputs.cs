using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Rollout;

namespace MtlsOperator.Controller.Converged;

/// <summary>
/// A fingerprint of everything one reconcile reads from the cache: the resource and every object it reads, transitively (as the
/// reference index knows them), the outputs it and those objects write, and for a listener what its pods' sidecars report.
/// Equal fingerprints mean the evaluation sees equal inputs.
/// </summary>
/// <remarks>
/// <para>Each object is named as precisely as a change to it re-queues the resource, no more: the resource itself, and the Secrets and
/// ConfigMaps it reads, by uid and resourceVersion (a missing one as missing); another custom resource it reads by uid, generation and
/// labels and annotations — the controller does not re-queue dependents for a status-only update, because the engine reads no other
/// resource's status; another resource's output (a bundle's ConfigMap, a certificate's pins) by uid and the labels, annotations and
/// owners that say whose it is — its data is its owner's to keep, and its owner's own writes re-queue no dependent. Named by their
/// resourceVersion, the last two would change under a resource after its reconcile (its certificate's status written a moment later)
/// without a reconcile of the resource to see it, and a converged world would never be recognised as one.</para>
/// <para>Null (never remembered) for what also reads outside the cache, where no version tells a change: a bundle that fetches CRLs from
/// URLs (and whatever reads it), a ServerCertificate that generates its own key or signs through a CertificateSigningRequest
/// (polled, not watched), and the issuance kinds, which read namespace-wide lists the reference index does not name. Objects
/// without a uid or a resourceVersion have no identity to compare.</para>
/// </remarks>
internal sealed class ReconcileInputs
{
    /// <summary>The resource first, then what it reads in key order: each with its identity as the remarks above name it, null when
    /// missing.</summary>
    private readonly (ResourceKey Key, string? Version)[] _reads;
    private readonly string _pods;

    private UInt128? _fingerprint;

    private ReconcileInputs((ResourceKey Key, string? Version)[] reads, string pods)
    {
        _reads = reads;
        _pods = pods;
    }

    /// <summary>Equal for equal inputs; the resource's key is part of it, so it names one resource's inputs among all.</summary>
    public UInt128 Fingerprint => _fingerprint ??= Digest(_reads, _pods);

    /// <param name="reads">What <paramref name="resource"/> reads, transitively, and the outputs its evaluation compares with.</param>
    /// <param name="othersOutputs">Those of <paramref name="reads"/> that are outputs of other resources and read by nothing but their
    /// owner, each with its owner.</param>
    public static UInt128? FingerprintOf(IKubernetesObject<V1ObjectMeta> resource, IEnumerable<ResourceKey> reads, IResourceLookup lookup,
        Func<ResourceKey, IKubernetesObject<V1ObjectMeta>?> findResource, IReadOnlyList<PodServing> pods, IReadOnlyDictionary<ResourceKey, ResourceKey>? othersOutputs = null) =>
        Read(resource, reads, lookup, findResource, pods, othersOutputs)?.Fingerprint;

    /// <summary>The inputs as the cache holds them now; null when they cannot be told apart from changed ones.</summary>
    public static ReconcileInputs? Read(IKubernetesObject<V1ObjectMeta> resource, IEnumerable<ResourceKey> reads, IResourceLookup lookup,
        Func<ResourceKey, IKubernetesObject<V1ObjectMeta>?> findResource, IReadOnlyList<PodServing> pods, IReadOnlyDictionary<ResourceKey, ResourceKey>? othersOutputs = null)
    {
        if (!IsRemembered(resource) || VersionOf(resource) is not { } own)
        {
            return null;
        }

        var entries = new List<(ResourceKey, string?)> { (ResourceKey.Of(resource), own) };
        foreach (var key in reads.Distinct().OrderBy(k => k.Kind, StringComparer.Ordinal).ThenBy(k => k.Namespace, StringComparer.Ordinal).ThenBy(k => k.Name, StringComparer.Ordinal))
        {
            if (key.Kind is IssuedClientCertificate.KindName or ClientCertificateAuthority.KindName or ClientCertificateRevocation.KindName)
            {
                return null;
            }

            IKubernetesObject<V1ObjectMeta>? found = key.Kind switch
            {
                V1Secret.KubeKind => lookup.FindSecret(key.Namespace, key.Name),
                V1ConfigMap.KubeKind => lookup.FindConfigMap(key.Namespace, key.Name),
                _ => findResource(key),
            };
            if (othersOutputs?.GetValueOrDefault(key) is { } owner)
            {
                entries.Add((key, OwnershipOf(found, owner)));
            }
            else if (found is null)
            {
                entries.Add((key, null));
            }
            else if ((key.Kind is V1Secret.KubeKind or V1ConfigMap.KubeKind ? VersionOf(found) : SpecOf(found)) is { } version)
            {
                entries.Add((key, version));
            }
            else
            {
                return null;
            }
        }

        var text = new StringBuilder();
        foreach (var pod in pods)
        {
            text.Append("pod ").Append(pod.Pod).Append('=').Append(pod.Report?.ToJson() ?? "-").Append(';');
        }

        return new ReconcileInputs([.. entries], text.ToString());
    }

    /// <summary>These inputs once the reconcile's own writes are stored: each written object (the resource's status, its outputs) at the
    /// version the server gave it, everything else as it was read. Null when a write is of something these inputs do not name or
    /// came back without a version: the state after it cannot be fingerprinted.</summary>
    /// <remarks>Built from what was read, not from the cache after the writes: a change someone else made meanwhile is in the cache
    /// but was not evaluated, and must not be taken as part of a converged state.</remarks>
    public ReconcileInputs? After(IEnumerable<StoredVersion> writes)
    {
        var reads = ((ResourceKey Key, string? Version)[])_reads.Clone();
        foreach (var write in writes)
        {
            var at = Array.FindIndex(reads, r => r.Key == write.Key);
            if (at < 0 || write.Uid is not { } uid || write.ResourceVersion is not { } version)
            {
                return null;
            }

            reads[at] = (write.Key, uid + "@" + version);
        }

        return new ReconcileInputs(reads, _pods);
    }

    /// <summary>Whether <paramref name="later"/>, read after the reconcile, names the same versions of everything it did not write: if
    /// an object moved while it ran, the evaluation may have seen either version, and its result stands for neither.</summary>
    public bool Unmoved(ReconcileInputs later, IEnumerable<StoredVersion> writes)
    {
        if (later._reads.Length != _reads.Length || later._pods != _pods)
        {
            return false;
        }

        var written = writes.Select(w => w.Key).ToHashSet();
        for (var i = 0; i < _reads.Length; i++)
        {
            if (later._reads[i].Key != _reads[i].Key || (!written.Contains(_reads[i].Key) && later._reads[i].Version != _reads[i].Version))
            {
                return false;
            }
        }

        return true;
    }

    private static UInt128 Digest((ResourceKey Key, string? Version)[] reads, string pods)
    {
        // The text "Kind ns/name=version;..." + pods exists only to be hashed: it is encoded straight into one pooled buffer.
        var chars = pods.Length;
        foreach (var (key, version) in reads)
        {
            chars += key.Kind.Length + key.Namespace.Length + key.Name.Length + (version ?? "-").Length + 4;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(chars));
        try
        {
            var text = buffer.AsSpan();
            var written = 0;
            foreach (var (key, version) in reads)
            {
                written += Encoding.UTF8.GetBytes(key.Kind, text[written..]);
                text[written++] = (byte)' ';
                written += Encoding.UTF8.GetBytes(key.Namespace, text[written..]);
                text[written++] = (byte)'/';
                written += Encoding.UTF8.GetBytes(key.Name, text[written..]);
                text[written++] = (byte)'=';
                written += Encoding.UTF8.GetBytes(version ?? "-", text[written..]);
                text[written++] = (byte)';';
            }

            written += Encoding.UTF8.GetBytes(pods, text[written..]);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(text[..written], digest);
            return BinaryPrimitives.ReadUInt128LittleEndian(digest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsRemembered(IKubernetesObject<V1ObjectMeta> resource) => resource switch
    {
        MtlsListener or ClientAuthPolicy or TrustBundle => true,
        ServerCertificate certificate => certificate.Spec?.SecretRef is not null,
        _ => false,
    };

    /// <returns>uid@resourceVersion; null when the object cannot be told apart from a changed one.</returns>
    private static string? VersionOf(IKubernetesObject<V1ObjectMeta> found) =>
        found.Metadata.Uid is not { } uid || found.Metadata.ResourceVersion is not { } version || FetchesCrls(found) ? null : uid + "@" + version;

    /// <returns>uid, generation, labels and annotations: what re-queues a dependent of another custom resource.</returns>
    private static string? SpecOf(IKubernetesObject<V1ObjectMeta> found) =>
        found.Metadata.Uid is not { } uid || found.Metadata.Generation is not { } generation || FetchesCrls(found)
            ? null
            : new StringBuilder(uid).Append(":g").Append(generation).Append(found.Metadata.DeletionTimestamp is null ? "" : ":deleting")
                .Append(Labelled(found.Metadata)).ToString();

    /// <returns>Whose another resource's output is: its owner's (or not there yet, which its owner is to see to), or a foreign object's,
    /// by uid and resourceVersion.</returns>
    private static string OwnershipOf(IKubernetesObject<V1ObjectMeta>? found, ResourceKey owner) =>
        found is null || (ClusterCache.IsManaged(found.Metadata)
            && found.Metadata.Labels.TryGetValue(OutputMetadata.OwnerKindLabel, out var kind) && kind == owner.Kind
            && found.Metadata.Labels.TryGetValue(OutputMetadata.OwnerNameLabel, out var name) && name == owner.Name)
            ? "owner's"
            : $"foreign {found.Metadata.Uid}@{found.Metadata.ResourceVersion}";

    // Each key and value written after its length, so no label can pass for another's separator.
    private static string Labelled(V1ObjectMeta metadata)
    {
        var text = new StringBuilder();
        foreach (var map in new[] { metadata.Labels, metadata.Annotations })
        {
            text.Append('|').Append(map?.Count ?? 0);
            foreach (var (key, value) in (map ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                text.Append(' ').Append(key.Length).Append(':').Append(key).Append(value.Length).Append(':').Append(value);
            }
        }

        return text.ToString();
    }

    private static bool FetchesCrls(IKubernetesObject<V1ObjectMeta> o) =>
        o is TrustBundle { Spec: { } spec } && (spec.FetchCrlDistributionPoints == true || spec.Crls.Any(c => c.Url is not null));
}
