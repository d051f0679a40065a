using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtlsOperator.Runtime;

/// <summary>
/// Keeps a cache of one kind in step with the API server (list, then watch with bookmarks, resume, relist on
/// 410 Gone, watchdog, backoff) and tells handlers what changed. With a cache filter it keeps only the objects
/// that pass, and <see cref="GetOrFetchAsync"/> reads through to the server for a key that just became of interest.
/// </summary>
public sealed class Informer<T> : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private const int TombstoneCapacity = 1024;
    private readonly IResourceClient<T> _client;
    private readonly InformerOptions<T> _options;
    private readonly ILogger _logger;
    private readonly Lock _dispatch = new();
    private readonly List<ResourceEventHandler<T>> _handlers = [];
    private readonly List<Reflector<T>> _reflectors;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<ObjectKey, string> _tombstones = [];
    private readonly Queue<ObjectKey> _tombstoneOrder = new();
    private long _watchRestarts;
    private int _running;

    public Informer(IResourceClient<T> client, InformerOptions<T>? options = null, ILogger? logger = null, TimeProvider? time = null)
    {
        _client = client;
        _options = options ?? new InformerOptions<T>();
        _logger = logger ?? NullLogger.Instance;
        Cache = new ResourceCache<T>(client.Kind);
        var scopes = _options.Namespaces is { Count: > 0 } namespaces ? namespaces.Distinct().Select(n => (string?)n) : [null];
        _reflectors = [.. scopes.Select(scope => new Reflector<T>(this, client, scope, _options, time ?? TimeProvider.System, _logger))];
    }

    public string Kind => _client.Kind;

    /// <summary>The informer's view; read it from reconcilers, never mutate its objects.</summary>
    public ResourceCache<T> Cache { get; }

    public bool HasSynced => _reflectors.TrueForAll(r => r.HasSynced);

    /// <summary>Watches re-opened since start, for any reason (also exported as a metric).</summary>
    public long WatchRestarts => Interlocked.Read(ref _watchRestarts);

    /// <summary>Where each namespace scope's next watch resumes from (null while a list is due).</summary>
    internal IReadOnlyList<string?> ResumeVersions => [.. _reflectors.Select(r => r.ResourceVersion)];

    /// <summary>Registers callbacks; objects already cached are replayed to it as adds.</summary>
    public void AddHandler(ResourceEventHandler<T> handler)
    {
        lock (_dispatch)
        {
            _handlers.Add(handler);
            foreach (var item in Cache.List())
            {
                Invoke(handler, h => h.OnAdded?.Invoke(item));
            }
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException($"The {Kind} informer is already running.");
        }

        await Task.WhenAll(_reflectors.Select(r => Task.Run(() => r.RunAsync(cancellationToken), CancellationToken.None))).ConfigureAwait(false);
    }

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// The cached object, or else the server's (kept in the cache when the filter admits it). For a filtered
    /// informer: make the filter admit the key first (e.g. record the reference), then call this, so a change
    /// racing the read is not dropped. A read-through does not raise handler events.
    /// </summary>
    public async Task<T?> GetOrFetchAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var cached = Cache.Get(key);
        if (cached is not null)
        {
            return cached;
        }

        var fetched = await _client.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (fetched is null)
        {
            return null;
        }

        lock (_dispatch)
        {
            // A watch event may have stored a newer version, or deleted the object, while the read was in flight.
            // An object outside the watched namespaces would never be updated again, so it is not kept.
            if (IsDeletedSince(key, fetched) || !Admits(fetched) || !IsWatched(key))
            {
                return Cache.Get(key) ?? (IsDeletedSince(key, fetched) ? null : fetched);
            }

            var kept = Transform(fetched);
            return Cache.TryAdd(kept) ? kept : Cache.Get(key) ?? kept;
        }
    }

    /// <summary>Drops <paramref name="key"/> from the cache, without an event, if the filter no longer admits it.</summary>
    public void Reevaluate(ObjectKey key)
    {
        lock (_dispatch)
        {
            var cached = Cache.Get(key);
            if (cached is not null && !Admits(cached))
            {
                Cache.Remove(key);
            }
        }
    }

    private bool IsWatched(ObjectKey key) =>
        _options.Namespaces is not { Count: > 0 } namespaces || namespaces.Contains(key.Namespace ?? "");

    internal bool Admits(T item) => _options.CacheFilter?.Invoke(item) ?? true;

    /// <summary>What the cache keeps of an admitted object (<see cref="InformerOptions{T}.Transform"/>).</summary>
    internal T Transform(T item) => _options.Transform?.Invoke(item) ?? item;

    internal void OnReflectorSynced()
    {
        if (HasSynced)
        {
            _synced.TrySetResult();
        }
    }

    internal void CountWatchRestart() => Interlocked.Increment(ref _watchRestarts);

    /// <summary>Applies one watch event, raising the handler callbacks it implies.</summary>
    internal void Apply(WatchEventType type, T item)
    {
        var key = ObjectKey.Of(item);
        lock (_dispatch)
        {
            if (type == WatchEventType.Deleted)
            {
                RememberDeletion(key, item);
                var removed = Cache.Remove(key);
                if (removed is not null)
                {
                    var gone = Transform(item);
                    Raise(h => h.OnDeleted?.Invoke(gone));
                }

                return;
            }

            if (Admits(item))
            {
                Keep(key, Transform(item));
            }
            else
            {
                Evict(key);
            }
        }
    }

    /// <summary>Makes the cache of one namespace scope equal a fresh list, raising adds, updates and deletes.</summary>
    internal void Replace(string? scope, IReadOnlyList<T> listed)
    {
        lock (_dispatch)
        {
            var present = new HashSet<ObjectKey>();
            foreach (var item in listed)
            {
                var key = ObjectKey.Of(item);
                present.Add(key);
                if (Admits(item))
                {
                    Keep(key, item);
                }
                else
                {
                    Evict(key);
                }
            }

            foreach (var key in Cache.Keys(scope).Where(k => !present.Contains(k)))
            {
                var removed = Cache.Remove(key);
                if (removed is not null)
                {
                    Raise(h => h.OnDeleted?.Invoke(removed));
                }
            }
        }
    }

    /// <summary>Drops an object the filter no longer admits, as a delete.</summary>
    private void Evict(ObjectKey key)
    {
        var left = Cache.Remove(key);
        if (left is not null)
        {
            Raise(h => h.OnDeleted?.Invoke(left));
        }
    }

    /// <summary>Stores an admitted, transformed object, raising an add or (for a new resourceVersion) an update.</summary>
    private void Keep(ObjectKey key, T item)
    {
        var old = Cache.Upsert(item);
        if (old is null)
        {
            Raise(h => h.OnAdded?.Invoke(item));
        }
        else if (old.Metadata?.ResourceVersion != item.Metadata?.ResourceVersion)
        {
            Raise(h => h.OnUpdated?.Invoke(old, item));
        }
    }

    private void RememberDeletion(ObjectKey key, T item)
    {
        if (_tombstones.Count >= TombstoneCapacity && _tombstoneOrder.TryDequeue(out var oldest))
        {
            _tombstones.Remove(oldest);
        }

        if (_tombstones.TryAdd(key, item.Metadata?.ResourceVersion ?? ""))
        {
            _tombstoneOrder.Enqueue(key);
        }
        else
        {
            _tombstones[key] = item.Metadata?.ResourceVersion ?? "";
        }
    }

    // resourceVersions are opaque, but every API server in practice issues increasing integers; when they are
    // not integers, a remembered deletion wins (safer to re-read later than to resurrect a deleted object).
    private bool IsDeletedSince(ObjectKey key, T fetched)
    {
        if (!_tombstones.TryGetValue(key, out var deletedAt))
        {
            return false;
        }

        return !(long.TryParse(deletedAt, out var deleted) && long.TryParse(fetched.Metadata?.ResourceVersion, out var read) && read > deleted);
    }

    private void Raise(Action<ResourceEventHandler<T>> callback)
    {
        foreach (var handler in _handlers)
        {
            Invoke(handler, callback);
        }
    }

    private void Invoke(ResourceEventHandler<T> handler, Action<ResourceEventHandler<T>> callback)
    {
        try
        {
            callback(handler);
        }
        catch (Exception e)
        {
            InformerLog.LogHandlerFailed(_logger, e, Kind);
        }
    }
}

// Outside the generic type, so every T shares one set of log delegates.
internal static partial class InformerLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "A {Kind} event handler failed")]
    public static partial void LogHandlerFailed(ILogger logger, Exception exception, string kind);
}
