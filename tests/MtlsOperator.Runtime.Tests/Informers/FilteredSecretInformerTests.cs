using System.Collections.Concurrent;
using System.Text;
using k8s;
using k8s.Models;
using MtlsOperator.Runtime;
using TestApiServer;
using Xunit.Abstractions;

namespace MtlsOperator.Runtime.Tests.Informers;

/// <summary>
/// The Secrets strategy: watch every Secret, keep only those carrying the managed-by label or referenced by
/// something, read through on a miss.
/// </summary>
public sealed class FilteredSecretInformerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Ns = "apps";
    private const string ManagedBy = "app.kubernetes.io/managed-by";
    private const int Unrelated = 5_000;
    private readonly ConcurrentDictionary<ObjectKey, bool> _referenced = new();
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
    public async Task Thousands_of_unrelated_secrets_are_watched_but_not_cached()
    {
        await CreateUnrelatedSecretsAsync();
        await CreateSecretAsync("ours", managed: true);

        var (filteredCount, filteredBytes) = await RetainedBySyncedInformerAsync(SecretInformer());
        var (unfilteredCount, unfilteredBytes) = await RetainedBySyncedInformerAsync(new Informer<V1Secret>(ResourceClients.Secrets(_client)));

        output.WriteLine($"{Unrelated} unrelated Secrets of 1.3 KiB data each, plus 1 managed one:");
        output.WriteLine("| informer | Secrets cached | serialized size of its cache |");
        output.WriteLine($"| filtered | {filteredCount} | {filteredBytes / 1024} KiB |");
        output.WriteLine($"| unfiltered | {unfilteredCount} | {unfilteredBytes / 1024} KiB |");
        Assert.Equal(1, filteredCount);
        Assert.Equal(Unrelated + 1, unfilteredCount);
        Assert.True(filteredBytes * 20 < unfilteredBytes, $"filtered {filteredBytes} B, unfiltered {unfilteredBytes} B");
    }

    // What the synced cache holds, as the serialized size of its objects: a deterministic stand-in for heap,
    // which the in-process server and HTTP buffer pools make too noisy to assert on.
    private static async Task<(int Count, long Bytes)> RetainedBySyncedInformerAsync(Informer<V1Secret> informer)
    {
        await using (await RunningInformer.StartSyncedAsync(informer))
        {
        }

        var cached = informer.Cache.List();
        return (cached.Count, cached.Sum(s => (long)KubernetesJson.Serialize(s).Length));
    }

    [Fact]
    public async Task A_newly_referenced_secret_is_read_through_and_then_kept_current()
    {
        await CreateSecretAsync("tls", managed: false);
        var informer = SecretInformer();
        var events = new InformerEvents<V1Secret>(informer);
        await using var running = await RunningInformer.StartSyncedAsync(informer);
        Assert.Equal(0, informer.Cache.Count);
        var key = new ObjectKey(Ns, "tls");
        var mark = _server.Requests.Mark();

        _referenced[key] = true;
        var fetched = await informer.GetOrFetchAsync(key, CancellationToken.None);
        var again = await informer.GetOrFetchAsync(key, CancellationToken.None);

        Assert.Equal("tls", fetched?.Name());
        Assert.Same(fetched, again);
        Assert.Equal(1, _server.Requests.Since(mark).Count(r => r.Verb == "get"));
        await _client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"stringData":{"tls.crt":"renewed"}}""", V1Patch.PatchType.MergePatch), "tls", Ns);
        await events.ContainAsync("Updated tls");
        Assert.Equal("renewed", Encoding.UTF8.GetString(informer.Cache.Get(key)!.Data["tls.crt"]));
    }

    [Fact]
    public async Task A_secret_that_gains_the_managed_by_label_enters_the_cache_and_leaves_when_it_loses_it()
    {
        await CreateSecretAsync("flipping", managed: false);
        var informer = SecretInformer();
        var events = new InformerEvents<V1Secret>(informer);
        await using var running = await RunningInformer.StartSyncedAsync(informer);

        await LabelAsync("flipping", "mtls-operator");
        await events.ContainAsync("Added flipping");
        await LabelAsync("flipping", "someone-else");
        await events.ContainAsync("Deleted flipping");

        Assert.Equal(0, informer.Cache.Count);
    }

    [Fact]
    public async Task A_secret_no_longer_referenced_is_dropped_on_reevaluation()
    {
        await CreateSecretAsync("old-ref", managed: false);
        var informer = SecretInformer();
        await using var running = await RunningInformer.StartSyncedAsync(informer);
        var key = new ObjectKey(Ns, "old-ref");
        _referenced[key] = true;
        await informer.GetOrFetchAsync(key, CancellationToken.None);

        _referenced.TryRemove(key, out _);
        informer.Reevaluate(key);

        Assert.Equal(0, informer.Cache.Count);
    }

    [Fact]
    public async Task A_read_through_outside_the_watched_namespaces_is_returned_but_not_kept()
    {
        await CreateSecretAsync("elsewhere", managed: false, ns: "unwatched");
        var informer = new Informer<V1Secret>(ResourceClients.Secrets(_client), new() { Namespaces = [Ns] });
        await using var running = await RunningInformer.StartSyncedAsync(informer);

        var fetched = await informer.GetOrFetchAsync(new ObjectKey("unwatched", "elsewhere"), CancellationToken.None);

        Assert.Equal("elsewhere", fetched?.Name());
        Assert.Equal(0, informer.Cache.Count);
    }

    [Fact]
    public async Task A_read_through_of_a_missing_secret_returns_null_and_caches_nothing()
    {
        var informer = SecretInformer();
        await using var running = await RunningInformer.StartSyncedAsync(informer);
        var key = new ObjectKey(Ns, "absent");
        _referenced[key] = true;

        Assert.Null(await informer.GetOrFetchAsync(key, CancellationToken.None));
        Assert.Equal(0, informer.Cache.Count);
    }

    private Informer<V1Secret> SecretInformer() => new(
        ResourceClients.Secrets(_client),
        new InformerOptions<V1Secret>
        {
            CacheFilter = s => s.GetLabel(ManagedBy) == "mtls-operator" || _referenced.ContainsKey(ObjectKey.Of(s)),
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(200),
        },
        new TestOutputLogger(output));

    private Task LabelAsync(string name, string managedBy) =>
        _client.CoreV1.PatchNamespacedSecretAsync(new V1Patch(new V1Secret { Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { [ManagedBy] = managedBy } } }, V1Patch.PatchType.MergePatch), name, Ns);

    private Task CreateSecretAsync(string name, bool managed, string ns = Ns) =>
        _client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret
            {
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    Labels = managed ? new Dictionary<string, string> { [ManagedBy] = "mtls-operator" } : null,
                },
                Type = "kubernetes.io/tls",
                Data = new Dictionary<string, byte[]> { ["tls.crt"] = new byte[1024], ["tls.key"] = new byte[256] },
            },
            ns);

    private Task CreateUnrelatedSecretsAsync() =>
        Parallel.ForEachAsync(Enumerable.Range(0, Unrelated), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            await CreateSecretAsync($"unrelated-{i}", managed: false, ns: $"tenant-{i % 50}"));
}
