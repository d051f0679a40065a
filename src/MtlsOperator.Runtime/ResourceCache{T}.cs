using k8s;
using k8s.Models;

namespace MtlsOperator.Runtime;

/// <summary>
/// A thread-safe store of one kind keyed by <see cref="ObjectKey"/>, with named secondary indexes
/// (e.g. "TrustBundles by referenced Secret"). An informer writes it; tests may preload one.
/// </summary>
public sealed class ResourceCache<T> : IReadOnlyResourceCache<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ObjectKey, T> _items = [];
    private readonly Dictionary<string, Index> _indexes = [];
    private readonly System.Diagnostics.TagList _tags;

    /// <param name="kind">Names the cache in the cached-objects metric.</param>
    public ResourceCache(string kind) => _tags = new System.Diagnostics.TagList { { "kind", kind } };

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>
    /// Adds an index; <paramref name="indexValues"/> maps an object to the values it is found under
    /// (use <see cref="ObjectKey"/> strings for references). Objects already held are indexed at once.
    /// </summary>
    public void AddIndex(string indexName, Func<T, IEnumerable<string>> indexValues)
    {
        lock (_gate)
        {
            var index = new Index(indexValues);
            if (!_indexes.TryAdd(indexName, index))
            {
                throw new InvalidOperationException($"Index '{indexName}' already exists.");
            }

            foreach (var (key, item) in _items)
            {
                index.Add(key, item);
            }
        }
    }

    public T? Get(ObjectKey key)
    {
        lock (_gate)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    public IReadOnlyList<T> List(string? @namespace = null)
    {
        lock (_gate)
        {
            return @namespace is null
                ? [.. _items.Values]
                : [.. _items.Where(e => e.Key.Namespace == @namespace).Select(e => e.Value)];
        }
    }

    public IReadOnlyList<T> ByIndex(string indexName, string value)
    {
        lock (_gate)
        {
            if (!_indexes.TryGetValue(indexName, out var index))
            {
                throw new InvalidOperationException($"No index named '{indexName}'.");
            }

            return index.Keys(value).Select(k => _items[k]).ToList();
        }
    }

    /// <summary>Keys of all objects, or of one namespace.</summary>
    public IReadOnlyList<ObjectKey> Keys(string? @namespace = null)
    {
        lock (_gate)
        {
            return @namespace is null ? [.. _items.Keys] : [.. _items.Keys.Where(k => k.Namespace == @namespace)];
        }
    }

    /// <summary>Stores <paramref name="item"/>, returning the object it replaced (null when new).</summary>
    public T? Upsert(T item)
    {
        var key = ObjectKey.Of(item);
        lock (_gate)
        {
            if (_items.TryGetValue(key, out var held))
            {
                AdoptIdentity(item, held);
                key = ObjectKey.Of(item);
            }

            var old = RemoveLocked(key);
            _items[key] = item;
            foreach (var index in _indexes.Values)
            {
                index.Add(key, item);
            }

            if (old is null)
            {
                RuntimeMetrics.CachedObjects.Add(1, _tags);
            }

            return old;
        }
    }

    /// <summary>Gives <paramref name="item"/> the very name, namespace and uid strings of <paramref name="held"/>, the version it
    /// replaces, where they are equal: each watch event brings its own copies, and whatever keys a consumer made from an earlier
    /// version (work queues, indexes, per-resource tables) would otherwise keep those copies alive beside the cache's.</summary>
    private static void AdoptIdentity(T item, T held)
    {
        if (item.Metadata is not { } meta || held.Metadata is not { } was)
        {
            return;
        }

        meta.Name = string.Equals(meta.Name, was.Name, StringComparison.Ordinal) ? was.Name : meta.Name;
        meta.NamespaceProperty = string.Equals(meta.NamespaceProperty, was.NamespaceProperty, StringComparison.Ordinal) ? was.NamespaceProperty : meta.NamespaceProperty;
        meta.Uid = string.Equals(meta.Uid, was.Uid, StringComparison.Ordinal) ? was.Uid : meta.Uid;
    }

    /// <summary>Stores <paramref name="item"/> only if nothing is held under its key; true when stored.</summary>
    public bool TryAdd(T item)
    {
        lock (_gate)
        {
            if (_items.ContainsKey(ObjectKey.Of(item)))
            {
                return false;
            }

            Upsert(item);
            return true;
        }
    }

    /// <summary>Removes the object with <paramref name="key"/>, returning it (null when absent).</summary>
    public T? Remove(ObjectKey key)
    {
        lock (_gate)
        {
            var old = RemoveLocked(key);
            if (old is not null)
            {
                RuntimeMetrics.CachedObjects.Add(-1, _tags);
            }

            return old;
        }
    }

    private T? RemoveLocked(ObjectKey key)
    {
        if (!_items.Remove(key, out var old))
        {
            return null;
        }

        foreach (var index in _indexes.Values)
        {
            index.Remove(key, old);
        }

        return old;
    }

    private sealed class Index(Func<T, IEnumerable<string>> indexValues)
    {
        private readonly Dictionary<string, HashSet<ObjectKey>> _keysByValue = new(StringComparer.Ordinal);

        public IEnumerable<ObjectKey> Keys(string value) =>
            _keysByValue.TryGetValue(value, out var keys) ? keys : [];

        public void Add(ObjectKey key, T item)
        {
            foreach (var value in indexValues(item))
            {
                if (!_keysByValue.TryGetValue(value, out var keys))
                {
                    _keysByValue[value] = keys = [];
                }

                keys.Add(key);
            }
        }

        public void Remove(ObjectKey key, T item)
        {
            foreach (var value in indexValues(item))
            {
                if (_keysByValue.TryGetValue(value, out var keys) && keys.Remove(key) && keys.Count == 0)
                {
                    _keysByValue.Remove(value);
                }
            }
        }
    }
}
