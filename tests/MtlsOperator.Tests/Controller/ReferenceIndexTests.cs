using k8s.Models;
using MtlsOperator.Controller;
using MtlsOperator.Controller.Caching;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Tests.Controller;

/// <summary>The reference index against a model (who reads what, as sets): seeded random bundles re-pointed at and away from a few
/// Secrets, and deleted. Replay a failure with REFERENCE_INDEX_SEED.</summary>
public sealed class ReferenceIndexTests
{
    [Fact]
    public void Keys_are_kept_with_the_name_tables_instance_of_each_name_not_the_one_the_evaluation_computed()
    {
        var table = new NameTable(() => [], () => true);
        var cached = table.Share(new string("s0"))!;
        var index = new ReferenceIndex(n => table.Share(n)!);

        index.Update(Bundle("b", [new string("s0")]));
        var released = index.Remove(new ResourceKey(TrustBundle.KindName, "apps", "b"));

        // The Secret it reads, and its own output's key, which the evaluation computes from its name.
        Assert.Same(cached, released.Single(k => k.Kind == V1Secret.KubeKind).Name);
        var output = released.Single(k => k.Kind == V1ConfigMap.KubeKind);
        Assert.Same(table.Share(new string(output.Name)), output.Name);
    }

    [Fact]
    public void A_rebuilt_name_table_keeps_the_names_the_index_holds_though_no_object_bears_them_yet()
    {
        ReferenceIndex? index = null;
        var table = new NameTable(() => index!.Names(), () => true);
        index = new ReferenceIndex(n => table.Share(n)!);
        index.Update(Bundle("b", ["s0"]));
        var held = index.Remove(new ResourceKey(TrustBundle.KindName, "apps", "b"));
        index.Update(Bundle("b", ["s0"]));

        // Neither the Secret nor the bundle's output is cached: the index's names alone keep them in the table.
        table.Rebuild();

        Assert.All(held, k => Assert.Same(k.Name, table.Share(new string(k.Name))));
        Assert.Contains("b", index.Names());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Readers_released_keys_and_dependents_match_a_model_of_who_reads_what(bool canonicalNames)
    {
        var table = new NameTable(() => [], () => true);
        var seeds = Environment.GetEnvironmentVariable("REFERENCE_INDEX_SEED") is { } replay
            ? [int.Parse(replay, System.Globalization.CultureInfo.InvariantCulture)]
            : Enumerable.Range(1, 30).ToArray();
        foreach (var seed in seeds)
        {
            var random = new Random(seed);
            var index = canonicalNames ? new ReferenceIndex(n => table.Share(n)!) : new ReferenceIndex();
            var model = new Dictionary<ResourceKey, HashSet<ResourceKey>>();
            var secrets = Enumerable.Range(0, 4).Select(i => new ResourceKey(V1Secret.KubeKind, "apps", "s" + i)).ToList();
            for (var step = 0; step < 200; step++)
            {
                var name = "b" + random.Next(5);
                var referrer = new ResourceKey(TrustBundle.KindName, "apps", name);
                var before = model.Values.SelectMany(v => v).ToHashSet();
                IReadOnlyList<ResourceKey> released;
                if (random.Next(4) == 0)
                {
                    released = index.Remove(referrer);
                    model.Remove(referrer);
                }
                else
                {
                    var bundle = Bundle(name, [.. secrets.Where(_ => random.Next(2) == 0).Select(s => s.Name)]);
                    released = index.Update(bundle);
                    model[referrer] = [.. ResourceReferences.Of(bundle)];
                }

                var after = model.Values.SelectMany(v => v).ToHashSet();
                var what = $"seed {seed} (replay with REFERENCE_INDEX_SEED={seed}), step {step}";
                Assert.True(before.Except(after).ToHashSet().SetEquals(released), $"{what}: released [{string.Join(", ", released)}]");
                foreach (var key in secrets)
                {
                    var readers = model.Where(m => m.Value.Contains(key)).Select(m => m.Key).ToHashSet();
                    Assert.True(readers.Count > 0 == index.IsReferenced(key), $"{what}: IsReferenced {key}");
                    Assert.True(readers.SetEquals(index.DependentsOf(key)), $"{what}: DependentsOf {key}");
                    foreach (var candidate in model.Keys.Append(new ResourceKey(TrustBundle.KindName, "apps", "other")))
                    {
                        Assert.True(readers.All(r => r == candidate) == index.OnlyReferrerIs(key, candidate), $"{what}: OnlyReferrerIs {key} {candidate}");
                    }
                }
            }
        }
    }

    private static TrustBundle Bundle(string name, IReadOnlyList<string> secrets) => new()
    {
        Kind = TrustBundle.KindName,
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "apps" },
        Spec = new TrustBundleSpec { Sources = [.. secrets.Select(s => new DataSource { Secret = new KeyReference { Name = s, Key = "ca.crt" } })] },
    };
}
