using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MtlsOperator.Controller.Caching;
using MtlsOperator.Controller.Converged;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Runtime;
using MtlsOperator.Runtime.Wire;

namespace MtlsOperator.Controller;

/// <summary>Writes rendered Secrets and ConfigMaps only when they differ from what is live, never touching objects the operator does not own.</summary>
internal sealed partial class OutputWriter(IKubernetes client, ClusterCache cache, ILogger logger)
{
    private static readonly ApiPath SecretsPath = new("", "v1", "secrets");
    private static readonly ApiPath ConfigMapsPath = new("", "v1", "configmaps");

    // Writes go out through the client's connection with their answers read for metadata only: the typed calls decode the
    // whole object written (a listener's Secret holds its key, certificates and proxy configs) to give back what was sent.
    private readonly ApiConnection _api = new(client);

    /// <summary>What this writer is writing, so the watch events of its own writes are told apart from others' changes.</summary>
    public OutputEchoes Echoes { get; } = new();

    /// <summary>Creates or updates <paramref name="desired"/>; null when the cached object was already current (no write), else the
    /// version stored (or found current on the server: <see cref="StoredVersion.Written"/> false).</summary>
    public async Task<StoredVersion?> ApplyAsync(V1Secret desired, IKubernetesObject<V1ObjectMeta> owner, CancellationToken cancellationToken)
    {
        var key = new ObjectKey(desired.Metadata.NamespaceProperty, desired.Metadata.Name);
        var live = cache.Secrets.Cache.Get(key);
        var found = false;
        if (live is null)
        {
            var created = await CreateAsync(SecretsPath, desired, owner, cancellationToken).ConfigureAwait(false);
            if (created is not null)
            {
                return Stored(V1Secret.KubeKind, created);
            }

            // It exists but was not cached (someone else's, or ours not seen yet): read it, then decide as for a cached one.
            live = await cache.Secrets.GetOrFetchAsync(key, cancellationToken).ConfigureAwait(false)
                ?? throw new OutputConflictException($"Secret {key.Namespace}/{key.Name} appeared and went while it was being created; retrying.");
            found = true;
        }

        EnsureOwned(live.Metadata, owner, "Secret");
        var digest = OutputDigest.Of(desired);
        if (SameMetadata(live.Metadata, desired.Metadata) && OutputDigest.Of(live) == digest)
        {
            return found ? Current(live) : null;
        }

        // Built from the cached object's metadata, not the object: the cache may hold only a digest of its data.
        var update = new V1Secret { ApiVersion = live.ApiVersion, Kind = live.Kind, Metadata = CopyOf(live.Metadata), Type = live.Type, Immutable = live.Immutable, Data = desired.Data };
        MergeMetadata(update.Metadata, desired.Metadata);
        V1ObjectMeta stored;
        try
        {
            Echoes.Expect(update);
            stored = await _api.WriteAsync(HttpMethod.Put, SecretsPath.Item(key.Namespace, key.Name), update, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // A stale cache, usually behind this operator's own previous write: nothing to retry if the server has it already.
            var fresh = await client.CoreV1.ReadNamespacedSecretAsync(key.Name, key.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (OutputOwnership.IsOwnedBy(fresh.Metadata, owner) && SameMetadata(fresh.Metadata, desired.Metadata) && OutputDigest.Of(fresh) == digest)
            {
                return Current(fresh);
            }

            throw;
        }

        LogSecretUpdated(logger, key.Namespace, key.Name, owner.Kind, owner.Metadata.Name);
        return Stored(V1Secret.KubeKind, stored);
    }

    /// <summary>Creates or updates <paramref name="desired"/>; null when the cached object was already current (no write), else the
    /// version stored (or found current on the server: <see cref="StoredVersion.Written"/> false).</summary>
    public async Task<StoredVersion?> ApplyAsync(V1ConfigMap desired, IKubernetesObject<V1ObjectMeta> owner, CancellationToken cancellationToken)
    {
        var key = new ObjectKey(desired.Metadata.NamespaceProperty, desired.Metadata.Name);
        var live = cache.ConfigMaps.Cache.Get(key);
        var found = false;
        if (live is null)
        {
            var created = await CreateAsync(ConfigMapsPath, desired, owner, cancellationToken).ConfigureAwait(false);
            if (created is not null)
            {
                return Stored(V1ConfigMap.KubeKind, created);
            }

            live = await cache.ConfigMaps.GetOrFetchAsync(key, cancellationToken).ConfigureAwait(false)
                ?? throw new OutputConflictException($"ConfigMap {key.Namespace}/{key.Name} appeared and went while it was being created; retrying.");
            found = true;
        }

        EnsureOwned(live.Metadata, owner, "ConfigMap");
        var digest = OutputDigest.Of(desired);
        if (SameMetadata(live.Metadata, desired.Metadata) && OutputDigest.Of(live) == digest)
        {
            return found ? Current(live) : null;
        }

        var update = new V1ConfigMap { ApiVersion = live.ApiVersion, Kind = live.Kind, Metadata = CopyOf(live.Metadata), Immutable = live.Immutable, Data = desired.Data, BinaryData = desired.BinaryData };
        MergeMetadata(update.Metadata, desired.Metadata);
        V1ObjectMeta stored;
        try
        {
            Echoes.Expect(update);
            stored = await _api.WriteAsync(HttpMethod.Put, ConfigMapsPath.Item(key.Namespace, key.Name), update, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            var fresh = await client.CoreV1.ReadNamespacedConfigMapAsync(key.Name, key.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (OutputOwnership.IsOwnedBy(fresh.Metadata, owner) && SameMetadata(fresh.Metadata, desired.Metadata) && OutputDigest.Of(fresh) == digest)
            {
                return Current(fresh);
            }

            throw;
        }

        LogConfigMapUpdated(logger, key.Namespace, key.Name, owner.Kind, owner.Metadata.Name);
        return Stored(V1ConfigMap.KubeKind, stored);
    }

    /// <summary>Creates the object; its stored metadata, or null when it already exists (409), which the caller then reads and
    /// decides on.</summary>
    /// <remarks>An output missing from the cache is created without reading it first: managed objects are always cached once
    /// the informer has synced, so a miss almost always means it does not exist yet, and creating never overwrites anything.</remarks>
    private async Task<V1ObjectMeta?> CreateAsync(ApiPath path, IKubernetesObject<V1ObjectMeta> desired, IKubernetesObject<V1ObjectMeta> owner, CancellationToken cancellationToken)
    {
        try
        {
            Echoes.Expect(desired);
            var created = await _api.WriteAsync(HttpMethod.Post, path.Collection(desired.Metadata.NamespaceProperty), desired, cancellationToken).ConfigureAwait(false);
            LogOutputCreated(logger, desired.Kind, desired.Metadata.NamespaceProperty, desired.Metadata.Name, owner.Kind, owner.Metadata.Name);
            return created;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }
    }

    // Named by what was asked for: a response's kind field is not needed to know it.
    private static StoredVersion Stored(string kind, V1ObjectMeta stored, bool written = true) =>
        new(new ResourceKey(kind, stored.NamespaceProperty ?? "", stored.Name), stored.Uid, stored.ResourceVersion, written);

    /// <summary>Nothing written: the server already held the desired object, at a version the cache had not seen.</summary>
    private static StoredVersion Current<T>(T found) where T : IKubernetesObject<V1ObjectMeta> =>
        Stored(typeof(T) == typeof(V1Secret) ? V1Secret.KubeKind : V1ConfigMap.KubeKind, found.Metadata, written: false);

    private static void EnsureOwned(V1ObjectMeta live, IKubernetesObject<V1ObjectMeta> owner, string kind)
    {
        // The engine already reports this as OutputConflict; this is the last line of defence against trespass.
        if (!OutputOwnership.IsOwnedBy(live, owner))
        {
            throw new OutputConflictException($"{kind} {live.NamespaceProperty}/{live.Name} is not managed by {owner.Kind} {owner.Metadata.Name}; not overwriting it.");
        }
    }

    /// <summary>Ours must be present and equal; labels and annotations others added are left alone.</summary>
    private static bool SameMetadata(V1ObjectMeta live, V1ObjectMeta desired) =>
        Contains(live.Labels, desired.Labels) && Contains(live.Annotations, desired.Annotations)
        && (desired.OwnerReferences ?? []).All(d => (live.OwnerReferences ?? []).Any(l => l.Uid == d.Uid && l.Controller == d.Controller && l.Kind == d.Kind && l.Name == d.Name));

    private static void MergeMetadata(V1ObjectMeta live, V1ObjectMeta desired)
    {
        live.Labels ??= new Dictionary<string, string>();
        foreach (var (k, v) in desired.Labels ?? new Dictionary<string, string>())
        {
            live.Labels[k] = v;
        }

        live.Annotations ??= new Dictionary<string, string>();
        foreach (var (k, v) in desired.Annotations ?? new Dictionary<string, string>())
        {
            live.Annotations[k] = v;
        }

        if (desired.OwnerReferences is { Count: > 0 } owners)
        {
            live.OwnerReferences = [.. (live.OwnerReferences ?? []).Where(l => owners.All(o => o.Uid != l.Uid) && l.Controller != true), .. owners];
        }
    }

    private static bool Contains(IDictionary<string, string>? live, IDictionary<string, string>? desired) =>
        (desired ?? new Dictionary<string, string>()).All(d => live is not null && live.TryGetValue(d.Key, out var v) && v == d.Value);

    // A deep copy: cached objects are shared and never changed.
    private static V1ObjectMeta CopyOf(V1ObjectMeta meta) => KubernetesJson.Deserialize<V1ObjectMeta>(KubernetesJson.Serialize(meta));

    [LoggerMessage(Level = LogLevel.Information, Message = "Updated Secret {Namespace}/{Name} for {Kind} {Owner}")]
    private static partial void LogSecretUpdated(ILogger logger, string? @namespace, string name, string kind, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Updated ConfigMap {Namespace}/{Name} for {Kind} {Owner}")]
    private static partial void LogConfigMapUpdated(ILogger logger, string? @namespace, string name, string kind, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created {Kind} {Namespace}/{Name} for {OwnerKind} {Owner}")]
    private static partial void LogOutputCreated(ILogger logger, string kind, string? @namespace, string name, string ownerKind, string owner);
}

/// <summary>An output could not be written because an object the operator does not own holds its name (or appeared mid-write).</summary>
internal sealed class OutputConflictException(string message, Exception? inner = null) : Exception(message, inner);
