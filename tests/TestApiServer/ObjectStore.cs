using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TestApiServer;

/// <summary>
/// The etcd of the test server: objects per resource, one global resourceVersion counter, a bounded window of past
/// events for watch resumption, and the live watchers. Everything happens under one lock, so commit order is the
/// order every watcher sees.
/// </summary>
public sealed class ObjectStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ObjectBucket> _buckets = [];
    private readonly Queue<StoredEvent> _history = new();
    private readonly List<WatchSubscription> _watchers = [];
    private readonly List<StoreTally> _tallies = [];
    private readonly int _historyLimit;
    private long _revision;
    private long _compactedThrough;

    internal ObjectStore(int historyLimit)
    {
        _historyLimit = historyLimit;
    }

    /// <summary>The resourceVersion of the latest write, as LIST reports it.</summary>
    public long CurrentRevision
    {
        get
        {
            lock (_gate)
            {
                return _revision;
            }
        }
    }

    /// <summary>Watches resuming from a resourceVersion older than this get 410 Gone.</summary>
    public long OldestResumableRevision
    {
        get
        {
            lock (_gate)
            {
                return _compactedThrough;
            }
        }
    }

    /// <summary>A copy of one stored object, read without going through HTTP (not counted as a request).</summary>
    public JsonObject? Get(ApiResource resource, string? @namespace, string name)
    {
        lock (_gate)
        {
            return Bucket(resource).TryGetValue(Key(@namespace, name), out var found) ? found.DeepClone().AsObject() : null;
        }
    }

    /// <summary>Copies of the stored objects of a resource, in one namespace or all (null), in key order.</summary>
    public IReadOnlyList<JsonObject> List(ApiResource resource, string? @namespace = null) =>
        ReadPage(resource, @namespace, null, null, int.MaxValue, null).Items.Select(entry => entry.Item).ToList();

    /// <summary>How many stored objects of a resource satisfy <paramref name="predicate"/>, read in place without copies
    /// (for benchmarks polling a large store; the predicate must not modify what it is given).</summary>
    public int Count(ApiResource resource, string? @namespace, Func<JsonObject, bool> predicate)
    {
        lock (_gate)
        {
            var bucket = Bucket(resource);
            var keys = @namespace is null ? bucket.KeysFrom("", null) : bucket.KeysFrom(@namespace + "/", @namespace + "0");
            return keys.Count(key => bucket.TryGetValue(key, out var item) && predicate(item));
        }
    }

    /// <summary>
    /// A count of the stored objects of a resource that satisfy <paramref name="predicate"/>, kept current as each write commits
    /// (the predicate sees each written state once, under the store lock, and must not throw: a throw would fail the write), so
    /// reading it costs nothing however large the store.
    /// For benchmarks: a <see cref="Count"/> polled ten times a second scans every object under the lock every write waits for.
    /// </summary>
    public StoreTally Tally(ApiResource resource, Func<JsonElement, bool> predicate)
    {
        lock (_gate)
        {
            var tally = new StoreTally(this, resource, predicate);
            foreach (var (key, item) in Bucket(resource).All)
            {
                tally.Observe(key, JsonSerializer.SerializeToElement(item));
            }

            _tallies.Add(tally);
            return tally;
        }
    }

    internal void Forget(StoreTally tally)
    {
        lock (_gate)
        {
            _tallies.Remove(tally);
        }
    }

    /// <summary>Forgets every past event, as an etcd compaction would: resuming a watch from any older resourceVersion gets 410 Gone.</summary>
    public void ExpireHistory()
    {
        lock (_gate)
        {
            _history.Clear();
            _compactedThrough = _revision;
        }
    }

    /// <summary>
    /// One page of the objects as they were at <paramref name="atRevision"/> (null: now), in key order after
    /// <paramref name="afterKey"/>: later events are undone for the keys they touched, so paged and exact-revision lists
    /// are consistent snapshots as etcd's MVCC gives them. Keys are "namespace/name". Costs the page plus the history
    /// window, not the collection: the key index seeks to <paramref name="afterKey"/>. <c>Remaining</c> (the
    /// remainingItemCount) is counted only without a selector, as the real API server does.
    /// </summary>
    internal ListPage ReadPage(ApiResource resource, string? @namespace, long? atRevision, string? afterKey, int limit, Func<JsonObject, bool>? selects)
    {
        lock (_gate)
        {
            var at = atRevision ?? _revision;
            if (at < _compactedThrough)
            {
                throw new ApiStatusException(410, "Expired", $"The resourceVersion for the provided list is too old: {at} is older than the oldest kept revision {_compactedThrough + 1}.");
            }

            if (at > _revision)
            {
                throw new ApiStatusException(504, "Timeout", $"Too large resource version: {at}, current: {_revision}");
            }

            var bucket = Bucket(resource);
            var prefix = @namespace is null ? "" : @namespace + "/";
            var upper = @namespace is null ? null : @namespace + "0"; // '0' follows '/': the first key past the namespace
            var lower = afterKey is not null && string.CompareOrdinal(afterKey, prefix) > 0 ? afterKey : prefix;

            // The state at `at` of every key written since: the first later event of a key holds it (null: did not exist yet).
            var undone = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
            if (at < _revision)
            {
                foreach (var later in _history.Where(past => past.Revision > at && past.Resource.QualifiedName == resource.QualifiedName))
                {
                    var key = Key(later.Namespace, later.Object.GetProperty("metadata").GetProperty("name").GetString()!);
                    undone.TryAdd(key, later.Type == "ADDED" ? null : JsonSerializer.SerializeToNode(later.Previous!.Value)!.AsObject());
                }
            }

            var extra = undone.Keys
                .Where(key => string.CompareOrdinal(key, lower) >= 0 && (upper is null || string.CompareOrdinal(key, upper) < 0))
                .Order(StringComparer.Ordinal);
            var items = new List<(string Key, JsonObject Item)>();
            var more = false;
            var remaining = 0;
            foreach (var key in MergeOrdered(bucket.KeysFrom(lower, upper), extra))
            {
                if (key == afterKey)
                {
                    continue;
                }

                var state = undone.TryGetValue(key, out var then) ? then : bucket.TryGetValue(key, out var now) ? now : null;
                if (state is null || (selects is not null && !selects(state)))
                {
                    continue;
                }

                if (items.Count < limit)
                {
                    items.Add((key, state.DeepClone().AsObject()));
                    continue;
                }

                more = true;
                if (selects is not null)
                {
                    break;
                }

                remaining++;
            }

            return new ListPage(at, items, more, selects is null ? remaining : null);
        }
    }

    /// <summary>The union of two ascending key sequences, ascending, each key once.</summary>
    private static IEnumerable<string> MergeOrdered(IEnumerable<string> first, IEnumerable<string> second)
    {
        using var a = first.GetEnumerator();
        using var b = second.GetEnumerator();
        var hasA = a.MoveNext();
        var hasB = b.MoveNext();
        while (hasA || hasB)
        {
            var order = !hasA ? 1 : !hasB ? -1 : string.CompareOrdinal(a.Current, b.Current);
            yield return order <= 0 ? a.Current : b.Current;
            if (order <= 0)
            {
                hasA = a.MoveNext();
            }

            if (order >= 0)
            {
                hasB = b.MoveNext();
            }
        }
    }

    /// <param name="dryRun">Decide and answer, but store nothing, take no resourceVersion and notify no watcher (dryRun=All).</param>
    internal WriteResult Write(ApiResource resource, string @namespace, string name, Func<JsonObject?, WriteDecision> decide, bool dryRun = false)
    {
        lock (_gate)
        {
            var bucket = Bucket(resource);
            var key = Key(@namespace, name);
            bucket.TryGetValue(key, out var current);
            var decision = decide(current?.DeepClone().AsObject());
            if (dryRun)
            {
                return decision switch
                {
                    WriteDecision.Put put => new WriteResult(put.Object, current is null ? WriteOutcome.Created : WriteOutcome.Updated),
                    WriteDecision.Remove remove => new WriteResult(remove.LastState, WriteOutcome.Removed),
                    WriteDecision.Keep keep => new WriteResult(keep.Object, WriteOutcome.Unchanged),
                    _ => throw new InvalidOperationException($"Unknown write decision {decision.GetType().Name}"),
                };
            }

            switch (decision)
            {
                case WriteDecision.Keep keep:
                    return new WriteResult(keep.Object, WriteOutcome.Unchanged);
                case WriteDecision.Put put:
                    var stored = Stamp(put.Object);
                    bucket.Set(key, stored);
                    Publish(current is null ? "ADDED" : "MODIFIED", resource, @namespace, key, stored, current);
                    return new WriteResult(stored.DeepClone().AsObject(), current is null ? WriteOutcome.Created : WriteOutcome.Updated);
                case WriteDecision.Remove remove:
                    var last = Stamp(remove.LastState);
                    bucket.Remove(key);
                    Publish("DELETED", resource, @namespace, key, last, current);
                    return new WriteResult(last.DeepClone().AsObject(), WriteOutcome.Removed);
                default:
                    throw new InvalidOperationException($"Unknown write decision {decision.GetType().Name}");
            }
        }
    }

    internal WatchStart Subscribe(ApiResource resource, string? @namespace, long? fromRevision)
    {
        lock (_gate)
        {
            var subscription = new WatchSubscription(resource, @namespace);
            if (fromRevision is not { } from)
            {
                // resourceVersion "" or "0": synthetic ADDED for the current state, then live changes.
                foreach (var (key, item) in Bucket(resource).All)
                {
                    var ns = key[..key.IndexOf('/', StringComparison.Ordinal)];
                    if (@namespace is null || ns == @namespace)
                    {
                        var revision = long.Parse(item["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                        subscription.Offer(new WatchItem.Change(new StoredEvent(revision, "ADDED", resource, ns, JsonSerializer.SerializeToElement(item), null)));
                    }
                }
            }
            else
            {
                if (from < _compactedThrough)
                {
                    return new WatchStart(null, $"too old resource version: {from} ({_compactedThrough + 1})");
                }

                foreach (var past in _history.Where(past => past.Revision > from && subscription.Wants(past)))
                {
                    subscription.Offer(new WatchItem.Change(past));
                }
            }

            _watchers.Add(subscription);
            return new WatchStart(subscription, null);
        }
    }

    internal void Unsubscribe(WatchSubscription subscription)
    {
        lock (_gate)
        {
            _watchers.Remove(subscription);
        }
    }

    /// <summary>Queues a bookmark behind every event already queued, so its revision never runs ahead of delivered events.</summary>
    internal void RequestBookmark(WatchSubscription subscription)
    {
        lock (_gate)
        {
            subscription.Offer(new WatchItem.Bookmark(_revision));
        }
    }

    private JsonObject Stamp(JsonObject target)
    {
        _revision++;
        target["metadata"]!.AsObject()["resourceVersion"] = _revision.ToString(CultureInfo.InvariantCulture);

        // Re-parse so every stored value is a plain JSON value, whatever .NET type the write built it from.
        return JsonNode.Parse(target.ToJsonString())!.AsObject();
    }

    private void Publish(string type, ApiResource resource, string @namespace, string key, JsonObject state, JsonObject? previous)
    {
        var stored = new StoredEvent(
            _revision,
            type,
            resource,
            @namespace,
            JsonSerializer.SerializeToElement(state),
            previous is null ? null : JsonSerializer.SerializeToElement(previous));
        _history.Enqueue(stored);
        while (_history.Count > _historyLimit)
        {
            _compactedThrough = _history.Dequeue().Revision;
        }

        foreach (var watcher in _watchers.Where(watcher => watcher.Wants(stored)))
        {
            watcher.Offer(new WatchItem.Change(stored));
        }

        foreach (var tally in _tallies.Where(tally => tally.Resource.QualifiedName == resource.QualifiedName))
        {
            tally.Observe(key, type == "DELETED" ? null : stored.Object);
        }
    }

    private ObjectBucket Bucket(ApiResource resource)
    {
        if (!_buckets.TryGetValue(resource.QualifiedName, out var bucket))
        {
            bucket = new ObjectBucket();
            _buckets[resource.QualifiedName] = bucket;
        }

        return bucket;
    }

    private static string Key(string? @namespace, string name) => $"{@namespace ?? ""}/{name}";
}

/// <summary>One page of a LIST: the snapshot revision, the items, whether more follow, and how many (null with a selector).</summary>
internal sealed record ListPage(long Revision, IReadOnlyList<(string Key, JsonObject Item)> Items, bool More, int? Remaining);
