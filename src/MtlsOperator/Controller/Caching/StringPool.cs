namespace MtlsOperator.Controller.Caching;

/// <summary>One shared instance per distinct string, for the few strings every cached object repeats (namespaces, label and
/// annotation keys, condition types and reasons): each object read from the API arrives with its own copies.</summary>
/// <remarks>Bounded: when <see cref="Capacity"/> distinct strings are held it starts again empty, and a string longer than
/// <see cref="MaxLength"/> is never held, so values of unbounded variety that reach it (label values and condition messages are
/// anyone's, a message up to 32 KiB) keep at most 4,096 × 1,024 characters alive once their objects are gone, and the common ones
/// are shared again as they recur. Sharing is only ever an optimisation: an unshared string is equal all the same.</remarks>
internal sealed class StringPool
{
    public const int Capacity = 4096;

    /// <summary>Longer strings are returned as they are: repeated text is short, and a long one would be costly to keep.</summary>
    public const int MaxLength = 1024;

    private readonly Lock _lock = new();
    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);

    /// <summary>The pooled instance equal to <paramref name="value"/>.</summary>
    public string? Share(string? value)
    {
        if (value is null || value.Length > MaxLength)
        {
            return value;
        }

        lock (_lock)
        {
            if (_strings.TryGetValue(value, out var shared))
            {
                return shared;
            }

            if (_strings.Count >= Capacity)
            {
                _strings.Clear();
            }

            _strings.Add(value);
            return value;
        }
    }

    /// <summary>A copy of <paramref name="map"/> with its keys shared, and its values where <paramref name="shareValue"/> says so; a
    /// <see cref="CompactMap{TValue}"/> when it is small, as labels and annotations nearly always are.</summary>
    public IDictionary<string, string>? Share(IDictionary<string, string>? map, Func<string, string, bool> shareValue)
    {
        if (map is null || map.Count == 0)
        {
            return map;
        }

        if (map.Count <= CompactMap<string>.MaxEntries)
        {
            return new CompactMap<string>(map, key => Share(key)!, (key, value) => shareValue(key, value) ? Share(value)! : value);
        }

        var shared = new Dictionary<string, string>(map.Count, StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            shared[Share(key)!] = shareValue(key, value) ? Share(value)! : value;
        }

        return shared;
    }
}
