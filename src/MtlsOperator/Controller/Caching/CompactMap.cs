using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace MtlsOperator.Controller.Caching;

/// <summary>A map of a few string keys as one array of pairs, searched in order with ordinal comparison: what the cache keeps for
/// an object's labels, annotations and Secret data, a handful of entries each. A <see cref="Dictionary{TKey,TValue}"/> of three
/// entries takes ~216 bytes (itself, its buckets and its entries); this takes ~100.</summary>
/// <remarks>A full <see cref="IDictionary{TKey,TValue}"/>, writable like the dictionary it replaces, so code that reads (or, by
/// mistake, edits) a cached object's metadata behaves the same. Lookups are linear: <see cref="StringPool"/> uses it only up
/// to <see cref="MaxEntries"/> entries.</remarks>
internal sealed class CompactMap<TValue> : IDictionary<string, TValue>, IReadOnlyDictionary<string, TValue>
{
    /// <summary>The most entries a map is made compact with; beyond, a linear search loses to hashing.</summary>
    public const int MaxEntries = 8;

    private KeyValuePair<string, TValue>[] _entries;
    private int _count;
    private int _version;

    /// <summary>A copy of <paramref name="source"/>, keys and values passed through <paramref name="key"/> and <paramref name="value"/>.</summary>
    public CompactMap(ICollection<KeyValuePair<string, TValue>> source, Func<string, string> key, Func<string, TValue, TValue> value)
    {
        _entries = new KeyValuePair<string, TValue>[source.Count];
        foreach (var (k, v) in source)
        {
            // The source is a dictionary of another comparer, perhaps: two of its keys could be one here.
            this[key(k)] = value(k, v);
        }
    }

    public int Count => _count;

    public bool IsReadOnly => false;

    public ICollection<string> Keys => [.. _entries.Take(_count).Select(e => e.Key)];

    public ICollection<TValue> Values => [.. _entries.Take(_count).Select(e => e.Value)];

    IEnumerable<string> IReadOnlyDictionary<string, TValue>.Keys => Keys;

    IEnumerable<TValue> IReadOnlyDictionary<string, TValue>.Values => Values;

    public TValue this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The key '{key}' was not present.");
        set
        {
            var at = IndexOf(key);
            if (at >= 0)
            {
                _entries[at] = new(_entries[at].Key, value);
                _version++;
            }
            else
            {
                Append(key, value);
            }
        }
    }

    public void Add(string key, TValue value)
    {
        if (IndexOf(key) >= 0)
        {
            throw new ArgumentException($"An item with the same key has already been added. Key: {key}", nameof(key));
        }

        Append(key, value);
    }

    public void Add(KeyValuePair<string, TValue> item) => Add(item.Key, item.Value);

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        var at = IndexOf(key);
        value = at >= 0 ? _entries[at].Value : default;
        return at >= 0;
    }

    public bool Remove(string key)
    {
        var at = IndexOf(key);
        if (at < 0)
        {
            return false;
        }

        Array.Copy(_entries, at + 1, _entries, at, _count - at - 1);
        _entries[--_count] = default;
        _version++;
        return true;
    }

    public bool Remove(KeyValuePair<string, TValue> item) => Contains(item) && Remove(item.Key);

    public bool Contains(KeyValuePair<string, TValue> item) =>
        TryGetValue(item.Key, out var value) && EqualityComparer<TValue>.Default.Equals(value, item.Value);

    public void Clear()
    {
        Array.Clear(_entries);
        _count = 0;
        _version++;
    }

    public void CopyTo(KeyValuePair<string, TValue>[] array, int arrayIndex) => Array.Copy(_entries, 0, array, arrayIndex, _count);

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator()
    {
        var version = _version;
        for (var i = 0; i < _count; i++)
        {
            yield return _entries[i];
            // As a Dictionary's enumerator does: a map changed underneath is an error, not a silently skipped or repeated entry.
            if (version != _version)
            {
                throw new InvalidOperationException("Collection was modified; enumeration operation may not execute.");
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private void Append(string key, TValue value)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, Math.Max(4, _count * 2));
        }

        _entries[_count++] = new(key, value);
        _version++;
    }
}
