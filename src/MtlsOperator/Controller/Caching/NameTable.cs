namespace MtlsOperator.Controller.Caching;

/// <summary>One string per resource name and uid, for as long as a cached object bears it: each object that names another
/// (a listener its certificate, an output its owner, a certificate its Secret) arrives from the API with its own copy, and the
/// keys and tables built from those objects kept every copy alive.</summary>
/// <remarks>Unlike <see cref="StringPool"/>, which holds a few thousand short strings and starts again when full, this table must
/// hold every live name at once (70,000 at 10,000 listeners: five objects' names and two resources' uids for each), so it is
/// bounded by what the caches hold instead: whenever it has grown to twice its size at the last rebuild, and when the operator is
/// idle after a burst, it is rebuilt from the names the caches' objects bear (<paramref name="liveNames"/>), which forgets those
/// of deleted objects. Never while <paramref name="canRebuild"/> says no: an informer's first list transforms every page before any
/// of it reaches the cache, and a rebuild then would forget the names of everything listed so far. A relist after that, or an
/// object that is transformed and not yet cached while a rebuild walks, may lose its sharing; sharing is only ever an
/// optimisation, and an unshared string is equal all the same.</remarks>
internal sealed class NameTable(Func<IEnumerable<string?>> liveNames, Func<bool> canRebuild)
{
    /// <summary>Below this many names the table is never rebuilt for its size: a small cluster's deleted names cost nothing.</summary>
    public const int MinimumRebuildSize = 4096;

    /// <summary>Kubernetes names are at most 253 characters and uids 36; anything longer is not a name and is not held.</summary>
    public const int MaxLength = 253;

    private readonly Lock _lock = new();
    private HashSet<string> _names = new(StringComparer.Ordinal);
    private int _rebuildAt = MinimumRebuildSize;

    /// <summary>While a rebuild walks the caches: the names shared meanwhile, which belong to objects on their way into a cache
    /// that the walk may already have passed.</summary>
    private List<string>? _sharedDuringRebuild;

    /// <summary>Names held, for tests.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _names.Count;
            }
        }
    }

    /// <summary>The held instance equal to <paramref name="name"/>, which is held from now on if none was.</summary>
    public string? Share(string? name)
    {
        if (name is null || name.Length == 0 || name.Length > MaxLength)
        {
            return name;
        }

        bool full;
        string? held;
        lock (_lock)
        {
            if (!_names.TryGetValue(name, out held))
            {
                held = name;
                _names.Add(name);
            }

            _sharedDuringRebuild?.Add(held);
            full = _names.Count >= _rebuildAt && _sharedDuringRebuild is null;
        }

        if (full && canRebuild())
        {
            Rebuild();
        }

        return held;
    }

    /// <summary>Replaces the table with the names the cached objects bear now. The walk is not under the table's lock: the caches
    /// are read under their own, and a transform that shares a name meanwhile must not wait for it.</summary>
    public void Rebuild()
    {
        if (!canRebuild())
        {
            return;
        }

        lock (_lock)
        {
            if (_sharedDuringRebuild is not null)
            {
                return;
            }

            _sharedDuringRebuild = [];
        }

        var live = new HashSet<string>(StringComparer.Ordinal);
        var walked = false;
        try
        {
            foreach (var name in liveNames())
            {
                if (name is { Length: > 0 and <= MaxLength })
                {
                    live.Add(name);
                }
            }

            walked = true;
        }
        finally
        {
            lock (_lock)
            {
                // A walk cut short keeps the table as it was: it would forget names that are live.
                if (walked)
                {
                    live.UnionWith(_sharedDuringRebuild);
                    // Grown by doubling while it was filled: without this up to half its slots would stay empty until the next rebuild.
                    live.TrimExcess();
                    _names = live;
                    _rebuildAt = Math.Max(MinimumRebuildSize, 2 * live.Count);
                }

                _sharedDuringRebuild = null;
            }
        }
    }
}
