using CsCheck;
using MtlsOperator.Controller.Caching;

namespace MtlsOperator.Tests.Controller;

/// <summary>The table of resource names: one instance per name while a cached object bears it, and no more names than the caches
/// hold, however resources come and go. Random histories are seeded; on failure CsCheck prints the seed, replay with
/// <c>CsCheck_Seed</c>.</summary>
public sealed class NameTableTests
{
    private readonly HashSet<string> _live = new(StringComparer.Ordinal);
    private bool _synced = true;

    [Fact]
    public void Equal_names_read_from_different_objects_come_back_as_the_first_instance()
    {
        var table = Table();
        var first = table.Share(new string("web-1"));

        var again = table.Share(new string("web-1"));

        Assert.Same(first, again);
        Assert.NotSame(first, table.Share(new string("web-2")));
    }

    [Fact]
    public void A_rebuild_forgets_the_names_no_cached_object_bears_and_keeps_the_instances_of_those_that_do()
    {
        var table = Table();
        var kept = table.Share(new string("kept"))!;
        table.Share(new string("deleted"));
        _live.Add(kept);

        table.Rebuild();

        Assert.Equal(1, table.Count);
        Assert.Same(kept, table.Share(new string("kept")));
    }

    [Fact]
    public void Names_of_deleted_resources_are_forgotten_once_the_table_is_full_without_waiting_for_an_idle_moment()
    {
        var table = Table();
        var survivor = table.Share(new string("survivor"))!;
        _live.Add(survivor);

        // A slow churn: each resource created and deleted again before the next, never a burst that an idle compaction follows.
        for (var i = 0; i < NameTable.MinimumRebuildSize; i++)
        {
            table.Share($"short-lived-{i}");
        }

        Assert.True(table.Count < NameTable.MinimumRebuildSize, $"{table.Count} names held for one live resource");
        Assert.Same(survivor, table.Share(new string("survivor")));
    }

    [Fact]
    public void Before_every_informer_has_listed_the_table_is_never_rebuilt_since_listed_pages_are_not_yet_cached()
    {
        _synced = false;
        var table = Table();
        var names = Enumerable.Range(0, NameTable.MinimumRebuildSize * 3).Select(i => table.Share($"listed-{i}")!).ToList();

        table.Rebuild();

        Assert.Equal(names.Count, table.Count);
        Assert.All(names, n => Assert.Same(n, table.Share(new string(n))));
    }

    [Fact]
    public void A_name_shared_while_a_rebuild_walks_the_caches_is_kept_with_its_instance()
    {
        string? arriving = null;
        NameTable? table = null;
        table = new NameTable(Walk, () => true);
        IEnumerable<string?> Walk()
        {
            // An object transformed while the walk runs, on its way into a cache the walk has already passed.
            arriving = table!.Share(new string("arriving"));
            yield break;
        }

        table.Rebuild();

        Assert.NotNull(arriving);
        Assert.Same(arriving, table.Share(new string("arriving")));
    }

    [Fact]
    public void Text_longer_than_any_kubernetes_name_is_not_held()
    {
        var table = Table();
        var text = new string('n', NameTable.MaxLength + 1);

        Assert.NotSame(table.Share(new string(text)), table.Share(new string(text)));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void However_resources_come_and_go_the_table_holds_at_most_twice_the_most_names_live_at_once_and_each_live_name_once()
    {
        // A history: each step creates a resource with one of a few thousand names or deletes one, then its name is shared as an
        // informer's transform would; a few steps are idle compactions.
        var step = Gen.Frequency((6, Gen.Int[0, 20_000].Select(n => (Op: 'c', Name: n))), (3, Gen.Int[0, 20_000].Select(n => (Op: 'd', Name: n))), (1, Gen.Const((Op: 'r', Name: 0))));
        step.Array[1, 30_000].Sample(history =>
        {
            // Each sample its own world: CsCheck runs samples on several threads.
            var live = new HashSet<string>(StringComparer.Ordinal);
            var table = new NameTable(() => live, () => true);
            var mostLive = 0;
            foreach (var (op, n) in history)
            {
                var name = $"listener-{n}";
                switch (op)
                {
                    case 'c':
                        live.Add(table.Share(new string(name))!);
                        break;
                    case 'd':
                        live.Remove(name);
                        break;
                    default:
                        table.Rebuild();
                        Assert.Equal(live.Count, table.Count);
                        break;
                }

                mostLive = Math.Max(mostLive, live.Count);
                Assert.True(table.Count <= Math.Max(NameTable.MinimumRebuildSize, 2 * mostLive), $"{table.Count} names held, at most {mostLive} live at once");
            }

            foreach (var name in live)
            {
                Assert.Same(name, table.Share(new string(name)));
            }
        }, iter: 30);
    }

    private NameTable Table() => new(() => _live, () => _synced);
}
