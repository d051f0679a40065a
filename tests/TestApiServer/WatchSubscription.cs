using System.Threading.Channels;

namespace TestApiServer;

/// <summary>What a watch stream receives, in commit order: replayed and live events, bookmarks it asked for.</summary>
internal abstract record WatchItem
{
    public sealed record Change(StoredEvent Event) : WatchItem;

    public sealed record Bookmark(long Revision) : WatchItem;
}

/// <summary>A registered watcher: the store writes into its channel under the store lock, so order equals commit order.</summary>
internal sealed class WatchSubscription(ApiResource resource, string? @namespace)
{
    private readonly Channel<WatchItem> _items = Channel.CreateUnbounded<WatchItem>(new UnboundedChannelOptions { SingleReader = true });

    public ApiResource Resource { get; } = resource;

    /// <summary>Null for a watch across all namespaces.</summary>
    public string? Namespace { get; } = @namespace;

    public ChannelReader<WatchItem> Items => _items.Reader;

    public bool Wants(StoredEvent stored) =>
        stored.Resource.QualifiedName == Resource.QualifiedName && (Namespace is null || Namespace == stored.Namespace);

    public void Offer(WatchItem item) => _items.Writer.TryWrite(item);
}

/// <summary>Outcome of opening a watch: a live subscription, or the revision window it fell out of.</summary>
internal sealed record WatchStart(WatchSubscription? Subscription, string? ExpiredMessage);
