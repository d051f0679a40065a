using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MtlsOperator.Controller.Caching;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Injection;
using MtlsOperator.Runtime;

namespace MtlsOperator.Controller;

/// <summary>The informers the operator runs and the engine's view of the cluster through their caches.</summary>
/// <remarks>Secrets and ConfigMaps are watched cluster-wide (in scope) but only those a resource references, or the
/// operator wrote, are kept: memory follows the operator's own objects, not the cluster's Secrets. What is kept of each object
/// is <see cref="CachedForm"/>'s: outputs only their owner reads are digests (<see cref="DigestedSecret"/>).</remarks>
internal sealed class ClusterCache : IResourceLookup
{
    private readonly ReferenceIndex _references;

    public ClusterCache(IKubernetes client, OperatorOptions options, ReferenceIndex references, ILoggerFactory loggers, TimeProvider time)
    {
        _references = references;
        Names = new NameTable(LiveNames, () => HasSynced);
        var form = new CachedForm(references, Names);
        InformerOptions<T> Options<T>(Func<T, bool>? filter = null, Func<T, T>? transform = null) where T : class, IKubernetesObject<V1ObjectMeta> => new()
        {
            Namespaces = options.Namespaces,
            CacheFilter = filter,
            Transform = transform,
            WatchTimeout = options.WatchTimeout,
            StallTimeout = options.WatchStallTimeout,
        };

        Informer<T> Custom<T>(string plural, string kind) where T : class, IKubernetesObject<V1ObjectMeta> =>
            new(new CustomResourceClient<T>(client, TrustBundle.Group, TrustBundle.Version, plural, kind), Options<T>(transform: form.Resource), loggers.CreateLogger("informer." + kind), time);

        TrustBundles = Custom<TrustBundle>(TrustBundle.Plural, TrustBundle.KindName);
        ServerCertificates = Custom<ServerCertificate>(ServerCertificate.Plural, ServerCertificate.KindName);
        ClientAuthPolicies = Custom<ClientAuthPolicy>(ClientAuthPolicy.Plural, ClientAuthPolicy.KindName);
        Listeners = Custom<MtlsListener>(MtlsListener.Plural, MtlsListener.KindName);
        Authorities = Custom<ClientCertificateAuthority>(ClientCertificateAuthority.Plural, ClientCertificateAuthority.KindName);
        IssuedCertificates = Custom<IssuedClientCertificate>(IssuedClientCertificate.Plural, IssuedClientCertificate.KindName);
        Revocations = Custom<ClientCertificateRevocation>(ClientCertificateRevocation.Plural, ClientCertificateRevocation.KindName);
        Secrets = new Informer<V1Secret>(ResourceClients.Secrets(client),
            Options<V1Secret>(s => IsManaged(s.Metadata) || references.IsReferenced(ResourceKey.Of(s)), form.Secret), loggers.CreateLogger("informer.Secret"), time);
        // Only pods that opted in to injection, by label on the server: memory follows injected pods, not the cluster's.
        Pods = new Informer<V1Pod>(ResourceClients.Pods(client),
            Options<V1Pod>(p => Rollout.SidecarStatusPoller.ListenerOf(p) is not null) with { Selector = new ResourceSelector($"{InjectionNames.InjectLabel}={InjectionNames.InjectLabelValue}") },
            loggers.CreateLogger("informer.Pod"), time);
        ConfigMaps = new Informer<V1ConfigMap>(ResourceClients.ConfigMaps(client),
            Options<V1ConfigMap>(c => IsManaged(c.Metadata) || references.IsReferenced(ResourceKey.Of(c)), form.ConfigMap), loggers.CreateLogger("informer.ConfigMap"), time);
    }

    public Informer<TrustBundle> TrustBundles { get; }

    /// <summary>The one instance of each cached object's name and of each custom resource's uid (<see cref="CachedForm"/> and the
    /// reference index share through it).</summary>
    public NameTable Names { get; }

    public Informer<ServerCertificate> ServerCertificates { get; }

    public Informer<ClientAuthPolicy> ClientAuthPolicies { get; }

    public Informer<MtlsListener> Listeners { get; }

    public Informer<ClientCertificateAuthority> Authorities { get; }

    public Informer<IssuedClientCertificate> IssuedCertificates { get; }

    public Informer<ClientCertificateRevocation> Revocations { get; }

    public Informer<V1Secret> Secrets { get; }

    public Informer<V1ConfigMap> ConfigMaps { get; }

    /// <summary>Pods labelled for injection and naming a listener: whose sidecars the rollout status asks.</summary>
    public Informer<V1Pod> Pods { get; }

    /// <summary>Every informer, to run and wait for. Secrets and ConfigMaps list only once the custom kinds have synced (and
    /// their handlers have recorded what they reference), so their first list keeps every referenced object.</summary>
    public IReadOnlyList<IInformer> All
    {
        get
        {
            IInformer[] kinds = [TrustBundles, ServerCertificates, ClientAuthPolicies, Listeners, Authorities, IssuedCertificates, Revocations];
            return [.. kinds, new InformerAfter(Secrets, kinds), new InformerAfter(ConfigMaps, kinds), Pods];
        }
    }

    public V1Secret? FindSecret(string @namespace, string name) => Secrets.Cache.Get(new ObjectKey(@namespace, name));

    public V1ConfigMap? FindConfigMap(string @namespace, string name) => ConfigMaps.Cache.Get(new ObjectKey(@namespace, name));

    public string? ContentHashOf(V1Secret secret) => secret is DigestedSecret digested ? digested.ContentHash : IResourceLookupDefaults.ContentHashOf(secret);

    public TrustBundle? FindTrustBundle(string @namespace, string name) => TrustBundles.Cache.Get(new ObjectKey(@namespace, name));

    public ServerCertificate? FindServerCertificate(string @namespace, string name) => ServerCertificates.Cache.Get(new ObjectKey(@namespace, name));

    public ClientAuthPolicy? FindClientAuthPolicy(string @namespace, string name) => ClientAuthPolicies.Cache.Get(new ObjectKey(@namespace, name));

    public ClientCertificateAuthority? FindClientCertificateAuthority(string @namespace, string name) => Authorities.Cache.Get(new ObjectKey(@namespace, name));

    public IssuedClientCertificate? FindIssuedClientCertificate(string @namespace, string name) => IssuedCertificates.Cache.Get(new ObjectKey(@namespace, name));

    public IReadOnlyList<IssuedClientCertificate> IssuedClientCertificatesIn(string @namespace) =>
        [.. IssuedCertificates.Cache.List().Where(c => c.Metadata.NamespaceProperty == @namespace).OrderBy(c => c.Metadata.Name, StringComparer.Ordinal)];

    public IReadOnlyList<ClientCertificateRevocation> ClientCertificateRevocationsIn(string @namespace) =>
        [.. Revocations.Cache.List().Where(c => c.Metadata.NamespaceProperty == @namespace).OrderBy(c => c.Metadata.Name, StringComparer.Ordinal)];

    /// <summary>The custom resource named by <paramref name="key"/>, from the cache.</summary>
    public IKubernetesObject<V1ObjectMeta>? FindResource(ResourceKey key) => key.Kind switch
    {
        TrustBundle.KindName => FindTrustBundle(key.Namespace, key.Name),
        ServerCertificate.KindName => FindServerCertificate(key.Namespace, key.Name),
        ClientAuthPolicy.KindName => FindClientAuthPolicy(key.Namespace, key.Name),
        MtlsListener.KindName => Listeners.Cache.Get(new ObjectKey(key.Namespace, key.Name)),
        ClientCertificateAuthority.KindName => FindClientCertificateAuthority(key.Namespace, key.Name),
        IssuedClientCertificate.KindName => FindIssuedClientCertificate(key.Namespace, key.Name),
        ClientCertificateRevocation.KindName => Revocations.Cache.Get(new ObjectKey(key.Namespace, key.Name)),
        _ => null,
    };

    /// <summary>
    /// Reads through to the server for referenced Secrets/ConfigMaps the cache has not seen yet (a reference that is new).
    /// Returns the keys that were found on the server and are now cached.
    /// </summary>
    /// <remarks>A read-through raises no informer event, and the watch event that follows finds the object already
    /// cached and raises none either: the caller must tell the other readers of these keys itself.</remarks>
    public async Task<IReadOnlyList<ResourceKey>> FetchMissingAsync(IEnumerable<ResourceKey> keys, CancellationToken cancellationToken)
    {
        var fetched = new List<ResourceKey>();
        foreach (var key in keys)
        {
            var objectKey = new ObjectKey(key.Namespace, key.Name);
            var found = key.Kind switch
            {
                V1Secret.KubeKind => await FetchAsync(Secrets, objectKey, cancellationToken).ConfigureAwait(false),
                V1ConfigMap.KubeKind => await FetchAsync(ConfigMaps, objectKey, cancellationToken).ConfigureAwait(false),
                _ => false,
            };
            if (found)
            {
                fetched.Add(key);
            }
        }

        return fetched;
    }

    /// <summary>Drops Secrets/ConfigMaps that nothing references any more (unless the operator owns them).</summary>
    public void Release(IEnumerable<ResourceKey> keys)
    {
        foreach (var key in keys)
        {
            if (key.Kind == V1Secret.KubeKind)
            {
                Secrets.Reevaluate(new ObjectKey(key.Namespace, key.Name));
            }
            else if (key.Kind == V1ConfigMap.KubeKind)
            {
                ConfigMaps.Reevaluate(new ObjectKey(key.Namespace, key.Name));
            }
        }
    }

    private static async Task<bool> FetchAsync<T>(Informer<T> informer, ObjectKey key, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var cached = informer.Cache.Get(key);
        if (CachedForm.IsDigest(cached))
        {
            // An output cached as a digest that a resource now reads (a reference made since): read it again, in full this time
            // (the reference is recorded, so CachedForm keeps it whole).
            informer.Cache.Remove(key);
        }
        else if (cached is not null)
        {
            return false;
        }

        return await informer.GetOrFetchAsync(key, cancellationToken).ConfigureAwait(false) is not null
            && informer.Cache.Get(key) is { } kept && !CachedForm.IsDigest(kept);
    }

    /// <summary>Whether every informer has listed once (asked per name shared once the table is due a rebuild, so it allocates nothing).</summary>
    private bool HasSynced =>
        TrustBundles.HasSynced && ServerCertificates.HasSynced && ClientAuthPolicies.HasSynced && Listeners.HasSynced && Authorities.HasSynced
        && IssuedCertificates.HasSynced && Revocations.HasSynced && Secrets.HasSynced && ConfigMaps.HasSynced;

    /// <summary>The names the cached objects and the reference index's keys bear, and the custom resources' uids (the ones their
    /// outputs' owner references repeat): what <see cref="Names"/> keeps when it is rebuilt.</summary>
    private IEnumerable<string?> LiveNames()
    {
        IEnumerable<IKubernetesObject<V1ObjectMeta>>[] resources =
        [
            TrustBundles.Cache.List(), ServerCertificates.Cache.List(), ClientAuthPolicies.Cache.List(), Listeners.Cache.List(), Authorities.Cache.List(),
            IssuedCertificates.Cache.List(), Revocations.Cache.List(),
        ];
        foreach (var resource in resources.SelectMany(r => r))
        {
            yield return resource.Metadata?.Name;
            yield return resource.Metadata?.Uid;
        }

        foreach (var data in Secrets.Cache.List().Concat<IKubernetesObject<V1ObjectMeta>>(ConfigMaps.Cache.List()))
        {
            yield return data.Metadata?.Name;
        }

        // What resources reference, outputs they are about to write included: their keys hold the table's instances already.
        foreach (var referenced in _references.Names())
        {
            yield return referenced;
        }
    }

    public static bool IsManaged(V1ObjectMeta meta) =>
        meta.Labels is { } labels && labels.TryGetValue(OutputMetadata.ManagedByLabel, out var v) && v == OutputMetadata.ManagedByValue;
}
