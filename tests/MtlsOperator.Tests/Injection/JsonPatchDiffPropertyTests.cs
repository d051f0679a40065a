using System.Globalization;
using System.Text.Json.Nodes;
using MtlsOperator.Engine.Injection;

namespace MtlsOperator.Tests.Injection;

/// <summary>The patch between two random documents, applied by an independent RFC 6902 implementation, gives the
/// second. Replay a failure with MTLS_TEST_SEED=&lt;seed&gt;.</summary>
public sealed class JsonPatchDiffPropertyTests
{
    private static readonly string[] s_keys = ["a", "b", "c/d", "e~f", "~1", "", "metadata"];

    [Fact]
    public void Applying_the_diff_of_two_random_documents_to_the_first_gives_the_second()
    {
        var seed = Environment.GetEnvironmentVariable("MTLS_TEST_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 6902;
        var random = new Random(seed);
        for (var i = 0; i < 3_000; i++)
        {
            var before = RandomObject(random, 3);
            var after = random.Next(4) == 0 ? before.DeepClone().AsObject() : Mutate(random, before.DeepClone().AsObject(), 3);

            var patch = JsonPatchDiff.Between(before, after);

            var applied = TestApiServer.JsonPatch.Apply(before, JsonNode.Parse(patch.ToJsonString()));
            Assert.True(JsonNode.DeepEquals(after, applied), $"seed {seed}, case {i}: {before.ToJsonString()} -> {after.ToJsonString()} by {patch.ToJsonString()}");
            Assert.True(JsonNode.DeepEquals(before, after) == (patch.Count == 0), $"seed {seed}, case {i}: equal documents have an empty patch and only they");
        }
    }

    private static JsonObject RandomObject(Random random, int depth)
    {
        var o = new JsonObject();
        foreach (var key in s_keys.Where(_ => random.Next(3) == 0))
        {
            o[key] = RandomValue(random, depth - 1);
        }

        return o;
    }

    private static JsonNode? RandomValue(Random random, int depth) => (depth <= 0 ? random.Next(3) : random.Next(6)) switch
    {
        0 => JsonValue.Create(random.Next(5)),
        1 => JsonValue.Create(new[] { "x", "y", "" }[random.Next(3)]),
        2 => null,
        3 or 4 => RandomObject(random, depth),
        _ => new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth - 1))]),
    };

    private static JsonObject Mutate(Random random, JsonObject o, int depth)
    {
        foreach (var key in o.Select(p => p.Key).ToList())
        {
            switch (random.Next(5))
            {
                case 0:
                    o.Remove(key);
                    break;
                case 1:
                    o[key] = RandomValue(random, depth - 1);
                    break;
                case 2 when o[key] is JsonObject child:
                    Mutate(random, child, depth - 1);
                    break;
                case 2 when o[key] is JsonArray array && array.Count > 0:
                    array.RemoveAt(random.Next(array.Count));
                    break;
                case 3 when o[key] is JsonArray array:
                    array.Add(RandomValue(random, depth - 1));
                    break;
            }
        }

        if (random.Next(3) == 0)
        {
            o[s_keys[random.Next(s_keys.Length)]] = RandomValue(random, depth - 1);
        }

        return o;
    }
}
