using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using MtlsOperator.Controller.Converged;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Tests.Controller;

/// <summary>The converged reconciles of a term, kept in ConfigMaps of the operator's namespace through the real client.</summary>
public sealed class ConvergedStoreTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task What_one_term_saved_the_next_recalls_whole()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var saved = Remembering(500);
        await Store(fx, "build-a").SaveAsync(saved, s_now, CancellationToken.None);

        var loaded = new ConvergedReconciles();
        await Store(fx, "build-a").LoadAsync(loaded, CancellationToken.None);

        Assert.Equal(saved.Snapshot(s_now).OrderBy(e => e.Fingerprint), loaded.Snapshot(s_now).OrderBy(e => e.Fingerprint));
        Assert.Equal(Recall.EarlierTerm, loaded.Recalled(Key(7), Fingerprint(7), s_now.AddMinutes(1), out _));
    }

    [Fact]
    public async Task Entries_are_spread_over_the_shards_and_an_unchanged_save_writes_nothing()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var memory = Remembering(500);
        var store = Store(fx, "build-a");
        await store.SaveAsync(memory, s_now, CancellationToken.None);
        var list = await fx.Client.CoreV1.ListNamespacedConfigMapAsync("kube-system", labelSelector: $"{ConvergedStore.ComponentLabel}={ConvergedStore.Component}");
        Assert.Equal(ConvergedStore.Shards, list.Items.Count);

        var mark = fx.Server.Requests.Mark();
        await store.SaveAsync(memory, s_now, CancellationToken.None);
        Assert.Empty(fx.Server.Requests.WritesSince(mark));

        memory.Remember(Key(3), 999_999, s_now, null);
        await store.SaveAsync(memory, s_now, CancellationToken.None);
        // The entry left one shard and joined another (or stayed in one): at most two of sixteen are written.
        Assert.InRange(fx.Server.Requests.WritesSince(mark).Count, 1, 2);
    }

    [Fact]
    public async Task Another_builds_saves_are_not_taken()
    {
        await using var fx = await OperatorFixture.StartAsync();
        await Store(fx, "build-a").SaveAsync(Remembering(10), s_now, CancellationToken.None);

        var loaded = new ConvergedReconciles();
        await Store(fx, "build-b").LoadAsync(loaded, CancellationToken.None);

        Assert.Empty(loaded.Snapshot(s_now));
    }

    [Fact]
    public async Task Entries_whose_moment_has_come_are_not_saved()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var memory = new ConvergedReconciles();
        memory.Remember(Key(1), Fingerprint(1), s_now, TimeSpan.FromMinutes(1));
        memory.Remember(Key(2), Fingerprint(2), s_now, null);
        await Store(fx, "build-a").SaveAsync(memory, s_now.AddMinutes(5), CancellationToken.None);

        var loaded = new ConvergedReconciles();
        await Store(fx, "build-a").LoadAsync(loaded, CancellationToken.None);

        Assert.Equal(new[] { Fingerprint(2) }, loaded.Snapshot(s_now).Select(e => e.Fingerprint).ToArray());
    }

    [Fact]
    public async Task A_shard_stays_under_the_api_servers_one_mebibyte_limit_however_many_entries_fall_into_it()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var memory = new ConvergedReconciles();
        for (var i = 0; i < ConvergedStore.MaxEntriesPerShard + 5_000; i++)
        {
            // Every fingerprint in shard 0.
            memory.Remember(Key(i), (UInt128)(ulong)i * ConvergedStore.Shards, s_now, null);
        }

        await Store(fx, "build-a").SaveAsync(memory, s_now, CancellationToken.None);

        var shard = (await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("mtls-operator-converged-0", "kube-system")).BinaryData["reconciles"];
        Assert.Equal(ConvergedStore.MaxEntriesPerShard * 32, shard.Length);
        Assert.True(shard.Length < 1024 * 1024 * 3 / 4, $"{shard.Length} bytes: base64 on the wire must stay under 1 MiB");
    }

    [Fact]
    public void The_build_names_the_options_that_reach_an_evaluation()
    {
        var defaults = new MtlsOperator.Controller.OperatorOptions();
        Assert.Equal(ConvergedStore.BuildOf(defaults), ConvergedStore.BuildOf(defaults with { Identity = "another-pod", Workers = 9 }));
        Assert.NotEqual(ConvergedStore.BuildOf(defaults), ConvergedStore.BuildOf(defaults with { SigningRequestSigners = ["example.com/a"] }));
        Assert.NotEqual(ConvergedStore.BuildOf(defaults), ConvergedStore.BuildOf(defaults with { Namespaces = ["apps"] }));
    }

    private static ConvergedStore Store(OperatorFixture fx, string build) =>
        new(fx.Client, "kube-system", "mtls-operator", build, NullLogger.Instance);

    private static ConvergedReconciles Remembering(int count)
    {
        var memory = new ConvergedReconciles();
        for (var i = 0; i < count; i++)
        {
            memory.Remember(Key(i), Fingerprint(i), s_now, i % 2 == 0 ? null : TimeSpan.FromHours(i));
        }

        return memory;
    }

    private static ResourceKey Key(int i) => new(MtlsListener.KindName, "apps", $"listener-{i}");

    // Spread like SHA-256 output would be, so every shard gets some.
    private static UInt128 Fingerprint(int i) => new((ulong)i * 0x9E3779B97F4A7C15UL, (ulong)i * 0xBF58476D1CE4E5B9UL + 1);
}
