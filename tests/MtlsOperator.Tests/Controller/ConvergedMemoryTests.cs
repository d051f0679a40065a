using k8s;
using k8s.Models;
using MtlsOperator.Controller.Converged;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Rollout;
using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Tests.Controller;

/// <summary>What a reconcile's inputs fingerprint tells apart, and how long a converged reconcile is remembered.</summary>
public sealed class ConvergedMemoryTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ResourceKey s_listener = new(MtlsListener.KindName, "apps", "agent");
    private static readonly ResourceKey s_secret = new(V1Secret.KubeKind, "apps", "agent-tls");
    private static readonly ResourceKey s_bundle = new(TrustBundle.KindName, "apps", "corp");

    [Fact]
    public void Equal_inputs_have_equal_fingerprints_whatever_the_order_they_are_named_in()
    {
        var world = World();
        Assert.Equal(Fingerprint(world, [s_secret, s_bundle]), Fingerprint(world, [s_bundle, s_secret, s_secret]));
    }

    [Fact]
    public void A_new_resource_version_of_the_resource_or_a_secret_it_reads_changes_the_fingerprint()
    {
        var before = Fingerprint(World(), [s_secret, s_bundle]);
        Assert.NotEqual(before, Fingerprint(World(secretVersion: "8"), [s_secret, s_bundle]));
        Assert.NotEqual(before, Fingerprint(World(listenerVersion: "10"), [s_secret, s_bundle]));
    }

    [Fact]
    public void Another_custom_resource_read_counts_by_generation_and_metadata_not_by_a_status_write()
    {
        // A status-only update re-queues no dependent (the engine reads no other resource's status), so it must not make the
        // dependent's converged state unrecognisable either.
        var before = Fingerprint(World(), [s_bundle]);
        Assert.Equal(before, Fingerprint(World(bundleVersion: "9"), [s_bundle]));
        Assert.NotEqual(before, Fingerprint(World(bundleVersion: "9", bundleGeneration: 2), [s_bundle]));
        Assert.NotEqual(before, Fingerprint(World(bundleLabel: "team-b"), [s_bundle]));
    }

    [Fact]
    public void Another_resources_output_read_only_through_its_owner_counts_by_whose_it_is()
    {
        var output = new ResourceKey(V1ConfigMap.KubeKind, "apps", "corp-ca");
        var owners = new Dictionary<ResourceKey, ResourceKey> { [output] = s_bundle };
        UInt128? With(params V1ConfigMap[] objects)
        {
            var world = World().With(objects);
            return ReconcileInputs.FingerprintOf(Find(world, s_listener)!, [s_bundle, output], world, k => Find(world, k), [], owners);
        }

        var absent = With();
        Assert.Equal(absent, With(Output("corp-ca", "TrustBundle", "corp", "4")));
        Assert.Equal(absent, With(Output("corp-ca", "TrustBundle", "corp", "5")));
        Assert.NotEqual(absent, With(Output("corp-ca", "TrustBundle", "other", "4")));
        Assert.NotEqual(absent, With(new V1ConfigMap { ApiVersion = "v1", Kind = V1ConfigMap.KubeKind, Metadata = new V1ObjectMeta { Name = "corp-ca", NamespaceProperty = "apps", Uid = "u-foreign", ResourceVersion = "4" } }));
    }

    [Fact]
    public void A_deleted_and_recreated_object_with_the_same_version_changes_the_fingerprint()
    {
        Assert.NotEqual(Fingerprint(World(), [s_secret]), Fingerprint(World(secretUid: "other"), [s_secret]));
    }

    [Fact]
    public void An_object_appearing_where_none_was_changes_the_fingerprint()
    {
        var missing = new ResourceKey(V1Secret.KubeKind, "apps", "not-yet");
        var world = World();
        var absent = Fingerprint(world, [missing]);
        Assert.NotNull(absent);
        Assert.NotEqual(absent, Fingerprint(world.With([Secret("not-yet", "u-new", "3")]), [missing]));
    }

    [Fact]
    public void What_a_sidecar_reports_is_part_of_a_listeners_fingerprint()
    {
        var world = World();
        var serving = new SidecarReport("haproxy", SidecarState.Serving, "sha256:aa", null, null, 1, s_now, null);
        var none = Fingerprint(world, [], []);
        var one = Fingerprint(world, [], [new PodServing("agent-0", serving)]);
        var reloaded = Fingerprint(world, [], [new PodServing("agent-0", serving with { ServedContentHash = "sha256:bb" })]);
        Assert.Equal(3, new[] { none, one, reloaded }.Distinct().Count());
    }

    [Fact]
    public void What_reads_outside_the_cache_or_cannot_be_versioned_is_never_fingerprinted()
    {
        Assert.Null(Fingerprint(World(fetchCrls: true), [s_bundle]));
        Assert.Null(Fingerprint(World(secretVersion: null), [s_secret]));
        Assert.Null(Fingerprint(World(), [new ResourceKey(IssuedClientCertificate.KindName, "apps", "partner")]));

        var world = World();
        var selfSigned = Custom<ServerCertificate>("ServerCertificate", "boot", """{"hostnames":["a.example"],"selfSigned":{}}""");
        Assert.Null(ReconcileInputs.FingerprintOf(selfSigned, [], world, k => Find(world, k), []));
        var fromSecret = Custom<ServerCertificate>("ServerCertificate", "agent", """{"hostnames":["a.example"],"secretRef":{"name":"agent-tls"}}""");
        Assert.NotNull(ReconcileInputs.FingerprintOf(fromSecret, [s_secret], world, k => Find(world, k), []));
    }

    [Fact]
    public void A_remembered_reconcile_is_recalled_for_its_fingerprint_only()
    {
        var memory = new ConvergedReconciles();
        memory.Remember(s_listener, 42, s_now, TimeSpan.FromHours(1));

        Assert.True(memory.TryRecall(s_listener, 42, s_now.AddMinutes(1), out var recheck));
        Assert.Equal(TimeSpan.FromMinutes(59), recheck);
        Assert.False(memory.TryRecall(s_listener, 43, s_now.AddMinutes(1), out _));
        Assert.False(memory.TryRecall(s_bundle, 42, s_now.AddMinutes(1), out _));
    }

    [Fact]
    public void A_remembered_reconcile_ends_before_the_re_check_of_its_moment()
    {
        // The reconciler asks to look again a second after a moment (an expiry): by then the answer may differ.
        var memory = new ConvergedReconciles();
        memory.Remember(s_listener, 42, s_now, TimeSpan.FromSeconds(11));

        Assert.True(memory.TryRecall(s_listener, 42, s_now.AddSeconds(9.9), out _));
        Assert.False(memory.TryRecall(s_listener, 42, s_now.AddSeconds(10), out _));
        Assert.False(memory.TryRecall(s_listener, 42, s_now.AddSeconds(11), out _));
    }

    [Fact]
    public void A_reconcile_whose_moment_is_now_is_not_remembered_and_a_forgotten_one_is_gone()
    {
        var memory = new ConvergedReconciles();
        memory.Remember(s_listener, 42, s_now, TimeSpan.FromSeconds(1));
        Assert.False(memory.TryRecall(s_listener, 42, s_now, out _));

        memory.Remember(s_bundle, 7, s_now, null);
        Assert.True(memory.TryRecall(s_bundle, 7, s_now.AddDays(30), out var never));
        Assert.Null(never);
        memory.Forget(s_bundle);
        Assert.False(memory.TryRecall(s_bundle, 7, s_now, out _));
    }

    [Fact]
    public void A_clock_that_went_back_before_the_remembered_reconcile_is_not_answered_from_memory()
    {
        var memory = new ConvergedReconciles();
        memory.Remember(s_listener, 42, s_now, TimeSpan.FromHours(1));
        Assert.False(memory.TryRecall(s_listener, 42, s_now.AddSeconds(-1), out _));
    }

    [Fact]
    public void The_state_a_reconcile_wrote_is_fingerprinted_as_a_read_of_that_state_would_be()
    {
        var world = World();
        var read = ReconcileInputs.Read(Find(world, s_listener)!, [s_secret, s_bundle], world, k => Find(world, k), [])!;

        var after = read.After([new StoredVersion(s_listener, "u-agent", "11"), new StoredVersion(s_secret, "u-secret", "12")]);

        Assert.Equal(Fingerprint(World(listenerVersion: "11", secretVersion: "12"), [s_secret, s_bundle]), after?.Fingerprint);
        Assert.NotEqual(read.Fingerprint, after?.Fingerprint);
    }

    [Fact]
    public void A_state_after_a_write_the_inputs_do_not_name_or_could_not_version_is_not_fingerprinted()
    {
        var world = World();
        var read = ReconcileInputs.Read(Find(world, s_listener)!, [s_secret], world, k => Find(world, k), [])!;

        Assert.Null(read.After([new StoredVersion(s_bundle, "u-corp", "6")]));
        Assert.Null(read.After([new StoredVersion(s_secret, "u-secret", null)]));
    }

    [Fact]
    public void An_earlier_terms_reconcile_is_recalled_for_its_fingerprint_then_belongs_to_this_term()
    {
        var memory = new ConvergedReconciles();
        memory.Restore([new Remembered(42, s_now, s_now.AddHours(1))]);

        Assert.Equal(Recall.None, memory.Recalled(s_listener, 43, s_now.AddMinutes(1), out _));
        Assert.Equal(Recall.EarlierTerm, memory.Recalled(s_listener, 42, s_now.AddMinutes(1), out var recheck));
        // Saved until a second before its re-check, which is still due.
        Assert.Equal(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(1), recheck);
        Assert.Equal(Recall.ThisTerm, memory.Recalled(s_listener, 42, s_now.AddMinutes(2), out _));
    }

    [Fact]
    public void Only_recalls_of_an_earlier_terms_reconciles_count_as_the_burst_a_restart_is()
    {
        // The idle compaction counts them: each follows the listing of what it reads, while this term's recalls allocate nothing.
        var memory = new ConvergedReconciles();
        memory.Restore([new Remembered(42, s_now, DateTimeOffset.MaxValue)]);

        memory.Recalled(s_listener, 42, s_now, out _);
        memory.Recalled(s_listener, 42, s_now, out _);

        Assert.Equal(2, memory.Recalls);
        Assert.Equal(1, memory.EarlierTermRecalls);
    }

    [Fact]
    public void An_earlier_terms_reconcile_holds_only_inside_its_window()
    {
        var memory = new ConvergedReconciles();
        memory.Restore([new Remembered(42, s_now, s_now.AddHours(1))]);

        Assert.Equal(Recall.None, memory.Recalled(s_listener, 42, s_now.AddSeconds(-1), out _));
        Assert.Equal(Recall.None, memory.Recalled(s_listener, 42, s_now.AddHours(1), out _));
    }

    [Fact]
    public void A_snapshot_keeps_what_an_earlier_term_remembered_until_this_term_forgets_it()
    {
        var memory = new ConvergedReconciles();
        memory.Restore([new Remembered(42, s_now, DateTimeOffset.MaxValue)]);
        memory.Remember(s_bundle, 7, s_now, null);
        Assert.Equal(new UInt128[] { 7, 42 }, memory.Snapshot(s_now).Select(e => e.Fingerprint).Order().ToArray());

        var changes = memory.Changes;
        memory.ForgetEarlier();

        Assert.Equal(new UInt128[] { 7 }, memory.Snapshot(s_now).Select(e => e.Fingerprint).ToArray());
        Assert.True(memory.Changes > changes);
    }

    private static UInt128? Fingerprint(ResourceSnapshot world, IEnumerable<ResourceKey> reads, IReadOnlyList<PodServing>? pods = null) =>
        ReconcileInputs.FingerprintOf(Find(world, s_listener)!, reads, world, k => Find(world, k), pods ?? []);

    private static IKubernetesObject<V1ObjectMeta>? Find(ResourceSnapshot world, ResourceKey key) => key.Kind switch
    {
        MtlsListener.KindName => world.OfType<MtlsListener>().FirstOrDefault(l => l.Metadata.Name == key.Name && l.Metadata.NamespaceProperty == key.Namespace),
        TrustBundle.KindName => world.FindTrustBundle(key.Namespace, key.Name),
        ServerCertificate.KindName => world.FindServerCertificate(key.Namespace, key.Name),
        _ => null,
    };

    private static ResourceSnapshot World(string? secretVersion = "7", string secretUid = "u-secret", string bundleVersion = "5", string listenerVersion = "3", bool fetchCrls = false,
        long bundleGeneration = 1, string? bundleLabel = null) =>
        ResourceSnapshot.Of([
            Secret("agent-tls", secretUid, secretVersion),
            Labelled(Custom<TrustBundle>("TrustBundle", "corp", fetchCrls ? """{"sources":[],"fetchCrlDistributionPoints":true}""" : """{"sources":[]}""", bundleVersion), bundleGeneration, bundleLabel),
            Custom<MtlsListener>("MtlsListener", "agent", """{"proxy":"HAProxy","listenPort":8443,"upstreamPort":8080}""", listenerVersion),
        ]);

    private static T Labelled<T>(T resource, long generation, string? team) where T : IKubernetesObject<V1ObjectMeta>
    {
        resource.Metadata.Generation = generation;
        resource.Metadata.Labels = team is null ? null : new Dictionary<string, string> { ["team"] = team };
        return resource;
    }

    private static V1ConfigMap Output(string name, string ownerKind, string ownerName, string version) => new()
    {
        ApiVersion = "v1",
        Kind = V1ConfigMap.KubeKind,
        Metadata = new V1ObjectMeta
        {
            Name = name, NamespaceProperty = "apps", Uid = "u-" + name, ResourceVersion = version,
            Labels = new Dictionary<string, string>
            {
                [OutputMetadata.ManagedByLabel] = OutputMetadata.ManagedByValue, [OutputMetadata.OwnerKindLabel] = ownerKind, [OutputMetadata.OwnerNameLabel] = ownerName,
            },
        },
    };

    private static V1Secret Secret(string name, string uid, string? version) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "apps", Uid = uid, ResourceVersion = version } };

    private static T Custom<T>(string kind, string name, string spec, string version = "1") =>
        KubernetesJson.Deserialize<T>($$"""{"apiVersion":"mtls-operator.io/v1alpha1","kind":"{{kind}}","metadata":{"name":"{{name}}","namespace":"apps","uid":"u-{{name}}","resourceVersion":"{{version}}","generation":1},"spec":{{spec}}}""");
}
