using System.Text.Json.Nodes;
using CsCheck;
using k8s;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>
/// <see cref="ResourceShape.FirstHole"/> against a reference walk of the whole resource as a JSON tree: seeded random specs
/// (lists of objects holding lists, with null items anywhere, any depth) name the same first hole, or none, as the reference.
/// CsCheck prints the seed on failure; replay with <c>CsCheck_Seed</c>.
/// </summary>
public sealed class ResourceShapePropertyTests
{
    // A list whose items are null (a hole) or what the generator makes, in any mix.
    private static Gen<JsonArray> ListOf(Gen<JsonNode> item) =>
        Gen.Frequency((1, Gen.Bool.Select(_ => (JsonNode?)null)), (3, item.Select(i => (JsonNode?)i))).Array[0, 4].Select(items => new JsonArray(items));

    private static readonly Gen<JsonNode> s_pin = Gen.String.AlphaNumeric.Select(v => (JsonNode)new JsonObject { ["sha256"] = v });

    private static readonly Gen<JsonNode> s_rule = Gen.String.AlphaNumeric.Select(v => (JsonNode)new JsonObject { ["subject"] = "CN=" + v });

    // Paths nest lists in list items, so a hole can sit two lists deep.
    private static readonly Gen<JsonNode> s_path = Gen.Select(ListOf(s_pin), ListOf(s_rule), (pins, rules) =>
        (JsonNode)new JsonObject { ["prefix"] = "/p", ["pins"] = pins, ["rules"] = rules });

    private static readonly Gen<JsonNode> s_source = Gen.String.AlphaNumeric.Select(v => (JsonNode)new JsonObject { ["inline"] = v });

    [Fact]
    public void A_trust_bundle_names_the_same_first_hole_as_a_walk_of_the_whole_resource()
    {
        Gen.Select(ListOf(s_source), ListOf(s_source)).Sample((sources, crls) =>
        {
            var bundle = Deserialize<TrustBundle>("TrustBundle", new JsonObject { ["sources"] = sources, ["crls"] = crls });
            Assert.Equal(ReferenceHole(bundle), ResourceShape.FirstHole(bundle));
        }, iter: 400);
    }

    [Fact]
    public void A_policy_names_the_same_first_hole_as_a_walk_of_the_whole_resource()
    {
        Gen.Select(ListOf(s_pin), ListOf(s_rule), ListOf(s_path)).Sample((pins, rules, paths) =>
        {
            var policy = Deserialize<ClientAuthPolicy>("ClientAuthPolicy", new JsonObject
            {
                ["trustBundleRef"] = new JsonObject { ["name"] = "corp" },
                ["pins"] = pins,
                ["rules"] = rules,
                ["paths"] = paths,
            });
            Assert.Equal(ReferenceHole(policy), ResourceShape.FirstHole(policy));
        }, iter: 400);
    }

    [Fact]
    public void A_spec_written_as_null_is_missing()
    {
        var listener = Deserialize<MtlsListener>("MtlsListener", null);
        Assert.Equal("spec is missing or not a mapping; give the resource a spec.", ResourceShape.FirstHole(listener));
    }

    private static T Deserialize<T>(string kind, JsonObject? spec) =>
        KubernetesJson.Deserialize<T>(new JsonObject
        {
            ["apiVersion"] = CustomResource<object, object>.GroupVersion,
            ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = "x", ["namespace"] = "apps", ["annotations"] = new JsonObject { ["note"] = "[null]" } },
            ["spec"] = spec,
        }.ToJsonString());

    // The reference: the whole resource as one JSON tree, the first null list item under spec in document order.
    private static string? ReferenceHole(k8s.IKubernetesObject<k8s.Models.V1ObjectMeta> resource)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(resource));
        if (node?["spec"] is not JsonObject spec)
        {
            return "spec is missing or not a mapping; give the resource a spec.";
        }

        return Walk(spec, "spec") is { } path ? $"{path} is empty (null); remove that list item or fill it in." : null;

        static string? Walk(JsonNode n, string path) => n switch
        {
            JsonArray a => a.Select((item, i) => item is null ? $"{path}[{i}]" : Walk(item, $"{path}[{i}]")).FirstOrDefault(p => p is not null),
            JsonObject o => o.Where(kv => kv.Value is not null).Select(kv => Walk(kv.Value!, $"{path}.{kv.Key}")).FirstOrDefault(p => p is not null),
            _ => null,
        };
    }
}
