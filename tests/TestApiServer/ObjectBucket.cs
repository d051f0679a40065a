using System.Text.Json.Nodes;

namespace TestApiServer;

/// <summary>The stored objects of one resource: a hash map for reads and writes plus an ordered key index, so a LIST
/// page seeks to its continue key and reads only its page instead of walking (and copying) the whole collection.</summary>
internal sealed class ObjectBucket
{
    private readonly Dictionary<string, JsonObject> _items = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);

    public bool TryGetValue(string key, out JsonObject value) => _items.TryGetValue(key, out value!);

    public void Set(string key, JsonObject value)
    {
        _items[key] = value;
        _keys.Add(key);
    }

    public void Remove(string key)
    {
        _items.Remove(key);
        _keys.Remove(key);
    }

    /// <summary>Every (key, object) in key order.</summary>
    public IEnumerable<(string Key, JsonObject Item)> All => _keys.Select(key => (key, _items[key]));

    /// <summary>Keys from <paramref name="lower"/> (inclusive) to <paramref name="upper"/> (exclusive; null: no bound), in order.</summary>
    public IEnumerable<string> KeysFrom(string lower, string? upper)
    {
        var max = _keys.Max;
        if (max is null || string.CompareOrdinal(lower, max) > 0)
        {
            return [];
        }

        var view = _keys.GetViewBetween(lower, max);
        return upper is null ? view : view.TakeWhile(key => string.CompareOrdinal(key, upper) < 0);
    }
}
