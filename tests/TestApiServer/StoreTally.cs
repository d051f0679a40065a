using System.Text.Json;

namespace TestApiServer;

/// <summary>How many stored objects of one resource satisfy a predicate, kept by the store as writes commit
/// (<see cref="ObjectStore.Tally"/>); dispose to stop it.</summary>
public sealed class StoreTally : IDisposable
{
    private readonly ObjectStore _store;
    private readonly Func<JsonElement, bool> _predicate;
    private readonly HashSet<string> _matching = new(StringComparer.Ordinal);
    private int _count;

    internal StoreTally(ObjectStore store, ApiResource resource, Func<JsonElement, bool> predicate)
    {
        _store = store;
        Resource = resource;
        _predicate = predicate;
    }

    /// <summary>The resource whose objects are counted.</summary>
    public ApiResource Resource { get; }

    /// <summary>How many of the resource's objects satisfy the predicate as of the latest committed write.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc/>
    public void Dispose() => _store.Forget(this);

    /// <summary>Called under the store lock with the state a write left ("namespace/name"; null: deleted).</summary>
    internal void Observe(string key, JsonElement? state)
    {
        var matches = state is { } element && _predicate(element);
        var changed = matches ? _matching.Add(key) : _matching.Remove(key);
        if (changed)
        {
            Volatile.Write(ref _count, _matching.Count);
        }
    }
}
