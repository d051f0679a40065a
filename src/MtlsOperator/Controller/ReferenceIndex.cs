using k8s;
using k8s.Models;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Controller;

/// <summary>Who reads what: maps each custom resource to the objects its evaluation reads, and back, so a change re-queues every dependent.</summary>
/// <param name="canonicalName">The one instance of a name (<c>Caching.NameTable</c>): the keys of outputs, which an evaluation
/// computes (a certificate's name and <c>-pins</c>), are kept for as long as their referrer, each with a name string of its own.</param>
internal sealed class ReferenceIndex(Func<string, string>? canonicalName = null)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ResourceKey, ResourceKey[]> _forward = [];

    // Who reads each key: the one referrer itself (most keys, e.g. a listener's TLS Secret, have exactly one), or a set of them.
    // A set per key cost ~200 bytes each, a few per listener.
    private readonly Dictionary<ResourceKey, object> _reverse = [];

    /// <summary>Records what <paramref name="resource"/> references now; returns keys nobody references any more.</summary>
    public IReadOnlyList<ResourceKey> Update(IKubernetesObject<V1ObjectMeta> resource) =>
        Replace(ResourceKey.Of(resource), ResourceReferences.Of(resource));

    /// <summary>Forgets a deleted resource; returns keys nobody references any more.</summary>
    public IReadOnlyList<ResourceKey> Remove(ResourceKey referrer) => Replace(referrer, []);

    /// <summary>The names of every key the index holds, referrers and referenced alike (a snapshot): names the cache's table must
    /// keep while the index does, though the objects they name (an output not yet written) may not be cached yet.</summary>
    public IReadOnlyList<string> Names()
    {
        lock (_lock)
        {
            return [.. _forward.Keys.Select(k => k.Name), .. _reverse.Keys.Select(k => k.Name)];
        }
    }

    public bool IsReferenced(ResourceKey key)
    {
        lock (_lock)
        {
            return _reverse.ContainsKey(key);
        }
    }

    /// <summary>Whether nothing but <paramref name="owner"/> (or nothing at all) reads <paramref name="key"/> directly.</summary>
    public bool OnlyReferrerIs(ResourceKey key, ResourceKey owner)
    {
        lock (_lock)
        {
            return !_reverse.TryGetValue(key, out var referrers) || Referrers(referrers).All(r => r == owner);
        }
    }

    /// <summary>Every resource that reads <paramref name="key"/>, directly or through other resources (a Secret, the bundle reading it, the policies on that bundle, their listeners...).</summary>
    /// <param name="except">A resource left out, and not followed: what reads <paramref name="key"/> only through it is left out too.</param>
    public IReadOnlyList<ResourceKey> DependentsOf(ResourceKey key, ResourceKey? except = null)
    {
        lock (_lock)
        {
            var seen = new HashSet<ResourceKey>();
            if (except is not null)
            {
                seen.Add(except);
            }

            var pending = new Queue<ResourceKey>([key]);
            while (pending.TryDequeue(out var next))
            {
                foreach (var referrer in _reverse.TryGetValue(next, out var referrers) ? Referrers(referrers) : [])
                {
                    if (seen.Add(referrer))
                    {
                        pending.Enqueue(referrer);
                    }
                }
            }

            if (except is not null)
            {
                seen.Remove(except);
            }

            return [.. seen];
        }
    }

    /// <summary>Whether any of <paramref name="readers"/> but <paramref name="owner"/> reads <paramref name="key"/> itself.</summary>
    public bool ReadByOtherThan(ResourceKey key, ResourceKey owner, IEnumerable<ResourceKey> readers)
    {
        lock (_lock)
        {
            return readers.Any(r => r != owner && _forward.TryGetValue(r, out var read) && Array.IndexOf(read, key) >= 0);
        }
    }

    /// <summary>Everything <paramref name="key"/> reads, transitively.</summary>
    public IReadOnlyList<ResourceKey> ClosureOf(ResourceKey key)
    {
        lock (_lock)
        {
            var seen = new HashSet<ResourceKey>();
            var pending = new Queue<ResourceKey>([key]);
            while (pending.TryDequeue(out var next))
            {
                foreach (var referenced in _forward.GetValueOrDefault(next) ?? [])
                {
                    if (seen.Add(referenced))
                    {
                        pending.Enqueue(referenced);
                    }
                }
            }

            return [.. seen];
        }
    }

    private List<ResourceKey> Replace(ResourceKey referrer, IReadOnlyList<ResourceKey> computed)
    {
        var references = canonicalName is null ? computed : [.. computed.Select(Canonical)];
        lock (_lock)
        {
            var released = new List<ResourceKey>();
            foreach (var old in _forward.GetValueOrDefault(referrer) ?? [])
            {
                if (RemoveReferrer(old, referrer))
                {
                    released.Add(old);
                }
            }

            if (references.Count == 0)
            {
                _forward.Remove(referrer);
            }
            else
            {
                _forward[referrer] = [.. references];
            }

            foreach (var r in references)
            {
                AddReferrer(r, referrer);
            }

            released.RemoveAll(_reverse.ContainsKey);
            return released;
        }
    }

    private ResourceKey Canonical(ResourceKey key)
    {
        var name = canonicalName!(key.Name);
        return ReferenceEquals(name, key.Name) ? key : key with { Name = name };
    }

    private static IEnumerable<ResourceKey> Referrers(object referrers) =>
        referrers as HashSet<ResourceKey> ?? (IEnumerable<ResourceKey>)[(ResourceKey)referrers];

    private void AddReferrer(ResourceKey key, ResourceKey referrer)
    {
        if (!_reverse.TryGetValue(key, out var referrers))
        {
            _reverse[key] = referrer;
        }
        else if (referrers is HashSet<ResourceKey> set)
        {
            set.Add(referrer);
        }
        else if (!referrer.Equals(referrers))
        {
            _reverse[key] = new HashSet<ResourceKey> { (ResourceKey)referrers, referrer };
        }
    }

    /// <summary>True when <paramref name="key"/> lost its last referrer.</summary>
    private bool RemoveReferrer(ResourceKey key, ResourceKey referrer)
    {
        if (!_reverse.TryGetValue(key, out var referrers))
        {
            return false;
        }

        if (referrers is HashSet<ResourceKey> set)
        {
            if (set.Remove(referrer) && set.Count == 1)
            {
                _reverse[key] = set.First();
            }

            return false;
        }

        if (!referrer.Equals(referrers))
        {
            return false;
        }

        _reverse.Remove(key);
        return true;
    }
}
