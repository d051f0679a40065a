using CsCheck;
using k8s;
using k8s.Models;
using MtlsOperator.Controller;
using MtlsOperator.Controller.Caching;

namespace MtlsOperator.Tests.Controller;

/// <summary>The cache's small maps behave as the <see cref="Dictionary{TKey,TValue}"/> they replace: seeded random sequences of
/// every operation are run on both and must answer, throw and end alike (on failure CsCheck prints the seed, replay with
/// <c>CsCheck_Seed</c>); and an object holding them is written to the API byte for byte as before.</summary>
public sealed class CompactMapTests
{
    // Few keys, so that sequences hit existing keys, duplicates and removals often; two differ only in case (ordinal keys).
    private static readonly string[] s_keys = ["app", "App", "tier", "mtls-operator.io/owner-name", "", "z"];

    private enum Operation
    {
        Add,
        AddPair,
        Set,
        Get,
        TryGet,
        ContainsKey,
        Contains,
        Remove,
        RemovePair,
        Clear,
    }

    [Fact]
    public void Every_sequence_of_operations_answers_as_a_dictionary_does()
    {
        var step = Gen.Select(Gen.Enum<Operation>(), Gen.Int[0, s_keys.Length - 1], Gen.Int[0, 3]);
        var checkedSequences = 0;

        Gen.Select(Gen.Int[0, CompactMap<int>.MaxEntries], step.Array[0, 40]).Sample((initial, steps) =>
        {
            var seed = Enumerable.Range(0, initial).ToDictionary(i => $"seed-{i}", i => i, StringComparer.Ordinal);
            var expected = new Dictionary<string, int>(seed, StringComparer.Ordinal);
            IDictionary<string, int> actual = new CompactMap<int>(seed, k => k, (_, v) => v);

            foreach (var (operation, keyIndex, value) in steps)
            {
                var key = s_keys[keyIndex];
                Assert.Equal(Outcome(() => Apply(expected, operation, key, value)), Outcome(() => Apply(actual, operation, key, value)));
                Assert.Equal(expected.Count, actual.Count);
                Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), actual.OrderBy(e => e.Key, StringComparer.Ordinal));
                Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
                Assert.Equal(expected.Values.Order(), actual.Values.Order());
                var copied = new KeyValuePair<string, int>[actual.Count + 1];
                actual.CopyTo(copied, 1);
                Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), copied.Skip(1).OrderBy(e => e.Key, StringComparer.Ordinal));
            }

            Interlocked.Increment(ref checkedSequences);
        }, iter: 500);

        Assert.Equal(500, checkedSequences);
    }

    [Fact]
    public void A_map_changed_while_it_is_enumerated_throws_as_a_dictionary_does()
    {
        IDictionary<string, string> map = new CompactMap<string>(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, k => k, (_, v) => v);

        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var (key, _) in map)
            {
                map[key + "x"] = "new";
            }
        });
    }

    [Fact]
    public void A_null_key_is_refused_as_a_dictionary_refuses_it()
    {
        IDictionary<string, string> map = new CompactMap<string>(new Dictionary<string, string>(), k => k, (_, v) => v);

        Assert.Throws<ArgumentNullException>(() => map.ContainsKey(null!));
        Assert.Throws<ArgumentNullException>(() => map[null!] = "v");
    }

    [Fact]
    public void A_cached_secret_is_written_to_the_api_exactly_as_it_was_read()
    {
        var json = """
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"web-tls","namespace":"apps","labels":{"app":"web","tier":"edge"},"annotations":{"note":"kept"}},"type":"kubernetes.io/tls","data":{"tls.crt":"AQI=","tls.key":"AwQ="}}
            """;
        var read = KubernetesJson.Deserialize<V1Secret>(json);

        var cached = new CachedForm(new ReferenceIndex(), new NameTable(() => [], () => true)).Secret(KubernetesJson.Deserialize<V1Secret>(json));

        Assert.IsType<CompactMap<string>>(cached.Metadata.Labels);
        Assert.IsType<CompactMap<byte[]>>(cached.Data);
        Assert.Equal(KubernetesJson.Serialize(read), KubernetesJson.Serialize(cached));
    }

    [Fact]
    public void Labels_beyond_the_compact_size_are_kept_in_a_dictionary()
    {
        var many = Enumerable.Range(0, CompactMap<string>.MaxEntries + 1).ToDictionary(i => $"label-{i}", i => "v");

        var shared = new StringPool().Share(many, static (_, _) => true);

        Assert.IsType<Dictionary<string, string>>(shared);
        Assert.Equal(many, shared);
    }

    private static object? Apply(IDictionary<string, int> map, Operation operation, string key, int value) => operation switch
    {
        Operation.Add => Void(() => map.Add(key, value)),
        Operation.AddPair => Void(() => map.Add(new KeyValuePair<string, int>(key, value))),
        Operation.Set => Void(() => map[key] = value),
        Operation.Get => map[key],
        Operation.TryGet => map.TryGetValue(key, out var found) ? found : "absent",
        Operation.ContainsKey => map.ContainsKey(key),
        Operation.Contains => map.Contains(new KeyValuePair<string, int>(key, value)),
        Operation.Remove => map.Remove(key),
        Operation.RemovePair => map.Remove(new KeyValuePair<string, int>(key, value)),
        Operation.Clear => Void(map.Clear),
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    private static string Void(Action action)
    {
        action();
        return "done";
    }

    /// <summary>What an operation returned, or the type of exception it threw.</summary>
    private static string Outcome(Func<object?> operation)
    {
        try
        {
            return $"returned {operation()}";
        }
        catch (Exception e)
        {
            return $"threw {e.GetType().Name}";
        }
    }
}
