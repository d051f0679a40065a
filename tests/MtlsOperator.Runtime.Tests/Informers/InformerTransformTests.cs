using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using MtlsOperator.Runtime;
using TestApiServer;
using Xunit.Abstractions;

namespace MtlsOperator.Runtime.Tests.Informers;

/// <summary>An informer's transform decides what the cache keeps of each object it admits: listed, watched or read through.</summary>
public sealed class InformerTransformTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Ns = "apps";
    private const string Kept = "kept";
    private readonly ConcurrentQueue<string> _filtered = new();
    private readonly ConcurrentQueue<string> _handled = new();
    private TestKubeApiServer _server = null!;
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _server = await TestKubeApiServer.StartAsync();
        _client = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Listed_objects_are_cached_and_reported_as_the_transform_returns_them()
    {
        await CreateSecretAsync("listed", Kept);
        var informer = TransformingInformer();
        await using var running = await RunningInformer.StartSyncedAsync(informer);

        AssertTransformed(informer.Cache.Get(new ObjectKey(Ns, "listed")));
        Assert.Contains("Added listed transformed", _handled);
    }

    [Fact]
    public async Task Watched_objects_are_cached_and_reported_as_the_transform_returns_them_and_the_filter_sees_them_as_sent()
    {
        var informer = TransformingInformer();
        await using var running = await RunningInformer.StartSyncedAsync(informer);

        await CreateSecretAsync("watched", Kept);
        await Eventually.TrueAsync(() => _handled.Contains("Added watched transformed"), "the added Secret was reported transformed");
        await _client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"data":{"extra":"AA=="}}""", V1Patch.PatchType.MergePatch), "watched", Ns);
        await Eventually.TrueAsync(() => _handled.Contains("Updated watched transformed"), "the updated Secret was reported transformed");
        await _client.CoreV1.DeleteNamespacedSecretAsync("watched", Ns);
        await Eventually.TrueAsync(() => _handled.Contains("Deleted watched transformed"), "the deleted Secret was reported transformed");

        Assert.Null(informer.Cache.Get(new ObjectKey(Ns, "watched")));
        Assert.Contains("watched with data", _filtered);
        Assert.DoesNotContain("watched without data", _filtered);
    }

    [Fact]
    public async Task A_read_through_is_cached_and_returned_as_the_transform_returns_it()
    {
        var informer = TransformingInformer();
        await using var running = await RunningInformer.StartSyncedAsync(informer);
        // Created with a label the filter refuses, then read through once the filter admits it: no watch event caches it first.
        await CreateSecretAsync("fetched", "not-yet");
        await Eventually.TrueAsync(() => _filtered.Contains("fetched with data"), "the watch saw the Secret");
        _admitAll = true;

        var fetched = await informer.GetOrFetchAsync(new ObjectKey(Ns, "fetched"), CancellationToken.None);

        AssertTransformed(fetched);
        Assert.Same(fetched, informer.Cache.Get(new ObjectKey(Ns, "fetched")));
    }

    [Fact]
    public async Task Objects_the_filter_refuses_are_never_transformed()
    {
        await CreateSecretAsync("refused", "someone-else");
        var informer = TransformingInformer();
        await using var running = await RunningInformer.StartSyncedAsync(informer);
        await CreateSecretAsync("refused-later", "someone-else");
        await Eventually.TrueAsync(() => _filtered.Contains("refused-later with data"), "the watch saw the refused Secret");

        Assert.Equal(0, informer.Cache.Count);
        Assert.Equal(0, _transformed);
    }

    private volatile bool _admitAll;
    private int _transformed;

    private static void AssertTransformed(V1Secret? cached)
    {
        Assert.NotNull(cached);
        Assert.Null(cached.Data);
        Assert.Equal("true", cached.GetAnnotation("transformed"));
    }

    private Informer<V1Secret> TransformingInformer()
    {
        var informer = new Informer<V1Secret>(
            ResourceClients.Secrets(_client),
            new InformerOptions<V1Secret>
            {
                CacheFilter = s =>
                {
                    _filtered.Enqueue($"{s.Name()} {(s.Data is null ? "without" : "with")} data");
                    return _admitAll || s.GetLabel("tier") == Kept;
                },
                // Drops the data and says so: what a cache that keeps only what it reads would do.
                Transform = s =>
                {
                    Interlocked.Increment(ref _transformed);
                    s.Data = null;
                    s.SetAnnotation("transformed", "true");
                    return s;
                },
                InitialBackoff = TimeSpan.FromMilliseconds(20),
                MaxBackoff = TimeSpan.FromMilliseconds(200),
            },
            new TestOutputLogger(output));
        string Seen(V1Secret s) => $"{s.Name()}{(s.Data is null && s.GetAnnotation("transformed") == "true" ? " transformed" : " as sent")}";
        informer.AddHandler(new ResourceEventHandler<V1Secret>
        {
            OnAdded = s => _handled.Enqueue("Added " + Seen(s)),
            OnUpdated = (_, s) => _handled.Enqueue("Updated " + Seen(s)),
            OnDeleted = s => _handled.Enqueue("Deleted " + Seen(s)),
        });
        return informer;
    }

    private Task CreateSecretAsync(string name, string tier) =>
        _client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["tier"] = tier } },
                Data = new Dictionary<string, byte[]> { ["payload"] = new byte[64] },
            },
            Ns);
}
