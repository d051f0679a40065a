using k8s.Models;
using MtlsOperator.Runtime;

namespace MtlsOperator.Runtime.Tests;

public sealed class ResourceCacheTests
{
    private const string ByReferencedSecret = "byReferencedSecret";
    private readonly ResourceCache<V1ConfigMap> _cache = new("ConfigMap");

    public ResourceCacheTests() =>
        _cache.AddIndex(ByReferencedSecret, cm => cm.Data?.Values.Select(v => $"{cm.Namespace()}/{v}") ?? []);

    [Fact]
    public void Objects_are_found_by_namespace_and_name()
    {
        _cache.Upsert(Map("a", "one"));
        _cache.Upsert(Map("b", "one"));

        Assert.Equal("a", _cache.Get(new ObjectKey("a", "one"))?.Namespace());
        Assert.Null(_cache.Get(new ObjectKey("c", "one")));
    }

    [Fact]
    public void A_new_version_takes_the_name_namespace_and_uid_strings_of_the_one_it_replaces()
    {
        var first = Map("a", "one");
        first.Metadata.Uid = "5f0c6a9e-3c1b-4d7a-9f2e-0a1b2c3d4e5f";
        _cache.Upsert(first);
        // As from another watch event: equal text, its own string instances.
        var second = Map(new string("a".AsSpan()), new string("one".AsSpan()));
        second.Metadata.Uid = new string(first.Metadata.Uid.AsSpan());
        second.Metadata.ResourceVersion = "2";

        _cache.Upsert(second);

        var held = _cache.Get(new ObjectKey("a", "one"))!;
        Assert.Same(second, held);
        Assert.Same(first.Metadata.Name, held.Metadata.Name);
        Assert.Same(first.Metadata.NamespaceProperty, held.Metadata.NamespaceProperty);
        Assert.Same(first.Metadata.Uid, held.Metadata.Uid);
    }

    [Fact]
    public void A_recreated_object_keeps_its_own_uid()
    {
        var first = Map("a", "one");
        first.Metadata.Uid = "5f0c6a9e-3c1b-4d7a-9f2e-0a1b2c3d4e5f";
        _cache.Upsert(first);
        var recreated = Map("a", "one");
        recreated.Metadata.Uid = "0b6c1f7a-9d2e-4e3f-8a1b-2c3d4e5f6a7b";

        _cache.Upsert(recreated);

        Assert.Equal("0b6c1f7a-9d2e-4e3f-8a1b-2c3d4e5f6a7b", _cache.Get(new ObjectKey("a", "one"))!.Metadata.Uid);
    }

    [Fact]
    public void List_can_be_limited_to_one_namespace()
    {
        _cache.Upsert(Map("a", "one"));
        _cache.Upsert(Map("a", "two"));
        _cache.Upsert(Map("b", "one"));

        Assert.Equal(3, _cache.List().Count);
        Assert.Equal(["one", "two"], _cache.List("a").Select(m => m.Name()).Order());
    }

    [Fact]
    public void An_index_finds_objects_by_the_values_they_reference()
    {
        _cache.Upsert(Map("a", "one", ("x", "tls")));
        _cache.Upsert(Map("a", "two", ("x", "tls"), ("y", "ca")));
        _cache.Upsert(Map("b", "three", ("x", "tls")));

        Assert.Equal(["one", "two"], _cache.ByIndex(ByReferencedSecret, "a/tls").Select(m => m.Name()).Order());
        Assert.Equal(["two"], _cache.ByIndex(ByReferencedSecret, "a/ca").Select(m => m.Name()));
    }

    [Fact]
    public void An_updated_object_leaves_the_index_values_it_no_longer_has()
    {
        _cache.Upsert(Map("a", "one", ("x", "old")));

        _cache.Upsert(Map("a", "one", ("x", "new")));

        Assert.Empty(_cache.ByIndex(ByReferencedSecret, "a/old"));
        Assert.Single(_cache.ByIndex(ByReferencedSecret, "a/new"));
    }

    [Fact]
    public void A_removed_object_leaves_its_indexes()
    {
        _cache.Upsert(Map("a", "one", ("x", "tls")));

        var removed = _cache.Remove(new ObjectKey("a", "one"));

        Assert.NotNull(removed);
        Assert.Empty(_cache.ByIndex(ByReferencedSecret, "a/tls"));
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public void An_index_added_later_covers_objects_already_held()
    {
        _cache.Upsert(Map("a", "one"));

        _cache.AddIndex("byName", cm => [cm.Name()]);

        Assert.Single(_cache.ByIndex("byName", "one"));
    }

    [Fact]
    public void TryAdd_keeps_the_object_already_held()
    {
        _cache.Upsert(Map("a", "one", ("v", "first")));

        Assert.False(_cache.TryAdd(Map("a", "one", ("v", "second"))));
        Assert.Equal("first", _cache.Get(new ObjectKey("a", "one"))!.Data["v"]);
    }

    [Fact]
    public void Keys_round_trip_through_their_text_form()
    {
        Assert.Equal(new ObjectKey("ns", "name"), ObjectKey.Parse(new ObjectKey("ns", "name").ToString()));
        Assert.Equal(new ObjectKey(null, "cluster-wide"), ObjectKey.Parse("cluster-wide"));
    }

    private static V1ConfigMap Map(string ns, string name, params (string Key, string Value)[] data) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name },
        Data = data.ToDictionary(d => d.Key, d => d.Value),
    };
}
